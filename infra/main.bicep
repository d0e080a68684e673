// EeFunctions on Azure Functions (Flex Consumption, dotnet-isolated): one command deploys the app, its storage account
// reached by a user-assigned managed identity (no account keys), and Application Insights.
//   az deployment group create -g <group> -f infra/main.bicep -p eeSigningKey=<base64 key> durableSystemKey=<key> importHeaderKey=<base64 of 32 bytes>
targetScope = 'resourceGroup'

@description('Short name the resource names derive from (lowercase letters and digits).')
@minLength(3)
@maxLength(11)
param name string = 'eefunctions'

@description('Region of every resource.')
param location string = resourceGroup().location

@description('Earth Engine bearer tokens: the HS256 signing key (base64, at least 32 bytes).')
@secure()
param eeSigningKey string

@description('Earth Engine bearer tokens: the issuer they must carry.')
param eeIssuer string = 'eefunctions'

@description('Earth Engine bearer tokens: the audience they must carry.')
param eeAudience string = 'eefunctions'

@description('The Durable HTTP API system key of the self-host settings (the Functions host keeps its own keys).')
@secure()
param durableSystemKey string

@description('Import API: the AES key (base64 of 32 bytes) that seals download headers while an import carries them.')
@secure()
param importHeaderKey string

@description('The container blob drops are read from (its Event Grid subscription is infra/blobdrop-eventgrid.bicep).')
param dropContainer string = 'ee-drop'

@description('The .NET version of the isolated worker.')
param dotnetVersion string = '10.0'

@description('Largest number of instances Flex Consumption scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory of each instance, in MB.')
@allowed([2048, 4096])
param instanceMemoryMB int = 2048

var suffix = uniqueString(resourceGroup().id, name)
var deploymentContainer = 'app-package'

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: '${name}-id-${suffix}'
    location: location
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: take('${name}${suffix}', 24)
    location: location
    deploymentContainer: deploymentContainer
    principalId: identity.outputs.principalId
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    name: '${name}-${suffix}'
    location: location
    principalId: identity.outputs.principalId
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    name: '${name}-${suffix}'
    location: location
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    blobServiceUri: storage.outputs.blobServiceUri
    queueServiceUri: storage.outputs.queueServiceUri
    tableServiceUri: storage.outputs.tableServiceUri
    deploymentContainerUri: '${storage.outputs.blobServiceUri}${deploymentContainer}'
    appInsightsConnectionString: monitoring.outputs.connectionString
    dotnetVersion: dotnetVersion
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    eeSigningKey: eeSigningKey
    eeIssuer: eeIssuer
    eeAudience: eeAudience
    durableSystemKey: durableSystemKey
    importHeaderKey: importHeaderKey
    dropContainer: dropContainer
  }
}

@description('The function app, for `func azure functionapp publish`.')
output functionAppName string = functionApp.outputs.name

@description('The app\'s base URL (Earth Engine clients use it as their API base).')
output url string = functionApp.outputs.url

@description('The storage account, for infra/blobdrop-eventgrid.bicep.')
output storageAccountName string = storage.outputs.name
