# The two commands of the README: `make run` and `make test`. Both install what is missing first.
SHELL := /bin/bash
.DEFAULT_GOAL := run
.PHONY: run test setup gdal tools settings token import-token

setup: gdal tools settings

gdal:
	@scripts/ensure-gdal.sh

tools:
	@scripts/ensure-node-modules.sh

settings:
	@scripts/ensure-settings.sh

## Starts Azurite and the service on http://127.0.0.1:7071 (Ctrl-C stops both).
run: setup
	@scripts/run.sh

## Builds and runs every test assembly, one after another.
test: gdal tools
	@scripts/test.sh

## Prints a development Earth Engine bearer token with every permission on PROJECT (last line): make token PROJECT=my-project
token: settings
	@node scripts/ee-token.js $(or $(PROJECT),my-project)

## Prints an Import API dev token with image_upload and image_list on ALBUM (last line): make import-token ALBUM=my_album
import-token: tools settings
	@scripts/import-token.sh $(or $(ALBUM),imported_album)
