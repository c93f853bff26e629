import type { SourceMap } from '../text';

/** The place of a script fact: offsets in the host file that the script's source map points into. */
export interface HostSpan {
  file: string;
  start: number;
  end: number;
}

export type ScriptLanguage = 'bash' | 'powershell' | 'cmd';

export type FirewallForm =
  | 'iptables'
  | 'ip6tables'
  | 'nft'
  | 'firewalld-direct'
  | 'ufw'
  | 'iptables-save-file'
  | 'new-netfirewallrule'
  | 'netsh';

/** The reason a firewall rule aimed at the metadata address does not stop non-root users. */
export type IneffectiveReason =
  | 'chain-input'
  | 'chain-forward'
  | 'chain-docker-user'
  | 'chain-other'
  | 'target-accept'
  | 'nat-table'
  | 'udp-only'
  | 'owner-non-root'
  | 'direction-inbound'
  | 'action-allow'
  | 'delete-rule'
  | 'address-near-miss'
  | 'port-other'
  | 'shadowed-by-accept'
  | 'flushed-later'
  | 'deleted-later'
  | 'after-exit'
  | 'never-called'
  | 'source-port';

/** A firewall rule that mentions the metadata address, whether or not it restricts access. */
export interface FirewallRule {
  form: FirewallForm;
  /** True when the rule stops non-root (non-Administrator) users from reaching the metadata service. */
  effective: boolean;
  /** Empty when effective. */
  reasons: IneffectiveReason[];
  /** True when the rule also blocks root or SYSTEM, which cloud-init and agents need. */
  blocksRoot: boolean;
  /** The address the rule names, as written. */
  address: string;
  /** True when the rule is saved, written to a rules file, or added with `--permanent`. */
  persistentByItself: boolean;
  span: HostSpan;
  /**
   * For the two-rule form (ACCEPT for root, then REJECT or DROP for everyone), the span of the
   * other rule of the pair. Both rules of a pair are effective and do not block root.
   */
  pairedWith?: HostSpan;
  /**
   * Parts of the rule whose value is a variable or a template placeholder (`chain`, `table`,
   * `protocol`, `target`, `owner`). A rule with unknown parts is not effective, and its
   * `reasons` may be empty.
   */
  unknownValues?: string[];
}

/** A command that saves the running rules (`iptables-save > file`, `netfilter-persistent save`). */
export interface RuleSave {
  command: string;
  span: HostSpan;
}

/** A call that changes a server's metadata options (KooCLI or curl against the ECS API). */
export interface MetadataOptionsCall {
  httpTokens?: string;
  httpEndpoint?: string;
  span: HostSpan;
}

/** An HTTP request to 169.254.169.254 made by curl, wget or a PowerShell web cmdlet. */
export interface MetadataRequest {
  tool: string;
  hasTokenHeader: boolean;
  /** True for the `PUT .../meta-data/latest/api/token` request that fetches a V2 token. */
  isTokenRequest: boolean;
  url: string;
  span: HostSpan;
}

/** The facts a script analyser found in one script. */
export interface ScriptFacts {
  language: ScriptLanguage;
  firewallRules: FirewallRule[];
  saves: RuleSave[];
  metadataOptionsCalls: MetadataOptionsCall[];
  metadataRequests: MetadataRequest[];
  /** Spans of syntax errors the parser recovered from. */
  parseErrors: HostSpan[];
}

/** A script to analyse: its text and the map from its offsets to its host file. */
export interface ScriptSource {
  text: string;
  map: SourceMap;
  /**
   * Offsets in `text` of template sequences kept as same-length placeholders. Without it, the
   * analysers treat every run of four or more identical non-space characters as a placeholder.
   */
  placeholders?: Array<{ start: number; end: number }>;
}
