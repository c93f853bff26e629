import * as huaweicloud from '@huaweicloudos/pulumi';

// The agency gives every process on the server account-wide administration.
const opsAgency = new huaweicloud.iam.Agency('ops', {
  name: 'ops',
  delegatedServiceName: 'op_svc_ecs',
  allResourcesRoles: ['Tenant Administrator'],
});

// No boot script restricts metadata, and the agency is attached: an error.
export const batch = new huaweicloud.ecs.Instance('batch', {
  name: 'batch',
  imageId: 'image-id',
  flavorId: 's6.large.2',
  agencyName: opsAgency.name,
  networks: [{ uuid: 'subnet-id' }],
});
