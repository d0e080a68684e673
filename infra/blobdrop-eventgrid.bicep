// Blob drops on Azure, the step after infra/main.bicep and publishing the code: Flex Consumption runs only Event Grid
// blob triggers, and Event Grid validates the subscription's webhook against the published function with the host's
// blobs_extension key, so this cannot be part of the first deployment.
//   az deployment group create -g <group> -f infra/blobdrop-eventgrid.bicep \
//     -p functionAppName=<output functionAppName> storageAccountName=<output storageAccountName>
targetScope = 'resourceGroup'

@description('The function app of infra/main.bicep (its functionAppName output).')
param functionAppName string

@description('Its storage account (the storageAccountName output), whose drop container is watched.')
param storageAccountName string

@description('The watched container: the app setting EarthEngine__DropContainer (default ee-drop).')
param dropContainer string = 'ee-drop'

@description('Region of the Event Grid system topic (the storage account\'s).')
param location string = resourceGroup().location

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource app 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

resource topic 'Microsoft.EventGrid/systemTopics@2022-06-15' = {
  name: '${storageAccountName}-blob-events'
  location: location
  properties: {
    source: account.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

resource dropSubscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2022-06-15' = {
  parent: topic
  name: 'ee-blob-drop'
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: {
        // The Functions host's blob extension endpoint for the EarthEngine_BlobDrop function.
        endpointUrl: 'https://${app.properties.defaultHostName}/runtime/webhooks/blobs?functionName=Host.Functions.EarthEngine_BlobDrop&code=${listKeys('${app.id}/host/default', '2024-04-01').systemKeys.blobs_extension}'
      }
    }
    filter: {
      includedEventTypes: [
        'Microsoft.Storage.BlobCreated'
      ]
      subjectBeginsWith: '/blobServices/default/containers/${dropContainer}/'
    }
    eventDeliverySchema: 'EventGridSchema'
  }
}
