/**
 * Huawei-family compute resources: where each keeps its boot script and its agency. Resources
 * with the same attribute names that are not servers (`huaweicloud_fgs_function`,
 * `huaweicloud_cce_cluster`) are absent on purpose.
 */

export interface ServerKind {
  /** Attribute paths (nested blocks and object keys joined by dots) that hold boot scripts. */
  bootScripts: string[];
  /** Attribute paths on the resource itself that name an attached agency. */
  agency: string[];
  /** The place where a quick fix adds a boot script when the resource has none. */
  newBootScript?: NewBootScript;
}

/** The place and form of a new boot script attribute. */
export interface NewBootScript {
  /** Nested block that receives the attribute; empty for the resource body itself. */
  blockPath: string[];
  attribute: string;
  /** True when the provider expects base64 text, so the heredoc is wrapped in base64encode(). */
  base64: boolean;
}

const instance: ServerKind = {
  bootScripts: ['user_data'],
  agency: ['agency_name', 'metadata.agency_name'],
  newBootScript: { blockPath: [], attribute: 'user_data', base64: false },
};

const metadataOnlyAgency: ServerKind = {
  bootScripts: ['user_data'],
  agency: ['metadata.agency_name'],
  newBootScript: { blockPath: [], attribute: 'user_data', base64: false },
};

const cceNode: ServerKind = {
  bootScripts: [
    'extend_params.preinstall',
    'extend_params.postinstall',
    'preinstall',
    'postinstall',
    'extend_param.preinstall',
    'extend_param.postinstall',
  ],
  agency: ['extend_params.agency_name', 'extend_param.agency_name'],
  newBootScript: { blockPath: ['extend_params'], attribute: 'postinstall', base64: false },
};

export const serverKinds: ReadonlyMap<string, ServerKind> = new Map<string, ServerKind>([
  ['huaweicloud_compute_instance', instance],
  ['huaweicloud_compute_instance_v2', instance],
  ['huaweicloud_bms_instance', { ...instance, agency: ['agency_name'] }],
  ['sbercloud_compute_instance', instance],
  ['g42cloud_compute_instance', instance],
  ['hcso_compute_instance', instance],
  ['flexibleengine_compute_instance_v2', metadataOnlyAgency],
  ['opentelekomcloud_compute_instance_v2', metadataOnlyAgency],
  ['opentelekomcloud_ecs_instance_v1', metadataOnlyAgency],
  ['hcs_ecs_compute_instance', metadataOnlyAgency],
  [
    'huaweicloud_as_configuration',
    {
      bootScripts: ['instance_config.user_data', 'instance_config.personality.content'],
      // The agency sits on the scaling group that uses the configuration.
      agency: [],
      newBootScript: { blockPath: ['instance_config'], attribute: 'user_data', base64: true },
    },
  ],
  [
    'huaweicloud_compute_template',
    {
      bootScripts: ['template_data.os_profile.user_data'],
      agency: ['template_data.os_profile.iam_agency_name'],
    },
  ],
  ['huaweicloud_cce_node', cceNode],
  ['huaweicloud_cce_node_pool', cceNode],
]);

/** Scaling groups that carry the agency of the scaling configurations they use. */
export const scalingGroupTypes: ReadonlySet<string> = new Set(['huaweicloud_as_group']);

/** Resources whose `local-exec` provisioners may change a server's metadata options. */
export const provisionerHostTypes: ReadonlySet<string> = new Set(['terraform_data', 'null_resource']);
