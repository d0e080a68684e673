#!/usr/bin/env node
// Prints a development Earth Engine bearer token (HS256 JWT) with every permission on one project, signed with
// EarthEngine__Auth__SigningKey from local.settings.json (the same key the service validates with).
// Usage: node scripts/ee-token.js <project> [hours]
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const project = process.argv[2];
const hours = Number(process.argv[3] || 12);
if (!project || !/^(?:[a-z][a-z0-9.-]*[a-z0-9]:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(project)) {
  console.error("usage: make token PROJECT=<project id: 6-30 of a-z, 0-9, '-', starting with a letter>");
  process.exit(2);
}

const root = path.join(__dirname, "..");
const file = fs.existsSync(path.join(root, "local.settings.json")) ? "local.settings.json" : "local.settings.sample.json";
const values = JSON.parse(fs.readFileSync(path.join(root, file), "utf8")).Values || {};
const setting = (name, fallback) => process.env[name] || values[name] || values[name.replace(/__/g, ":")] || fallback;
const keyText = setting("EarthEngine__Auth__SigningKey");
if (!keyText) {
  console.error(`No EarthEngine__Auth__SigningKey in ${file} or the environment.`);
  process.exit(1);
}

// As EeAuthOptions.SigningKeyBytes: base64 when it decodes, else the UTF-8 bytes.
const decoded = /^[A-Za-z0-9+/]+={0,2}$/.test(keyText) && keyText.length % 4 === 0 ? Buffer.from(keyText, "base64") : null;
const key = decoded && decoded.length > 0 ? decoded : Buffer.from(keyText, "utf8");
const permissions = [
  "earthengine.imports.create", "earthengine.exports.create", "earthengine.operations.get", "earthengine.operations.list",
  "earthengine.operations.update", "earthengine.operations.delete", "earthengine.assets.get", "earthengine.assets.list",
  "earthengine.assets.create", "earthengine.assets.update", "earthengine.assets.delete", "earthengine.computations.create",
];
const now = Math.floor(Date.now() / 1000);
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
const header = b64({ alg: "HS256", typ: "JWT" });
const payload = b64({
  sub: process.env.USER || "developer",
  iss: setting("EarthEngine__Auth__Issuer", "eefunctions-dev"),
  aud: setting("EarthEngine__Auth__Audience", "eefunctions"),
  iat: now, nbf: now, exp: now + Math.round(hours * 3600),
  ee_permissions: { [project]: permissions },
});
const signature = crypto.createHmac("sha256", key).update(`${header}.${payload}`).digest("base64url");
console.log(`${header}.${payload}.${signature}`);
