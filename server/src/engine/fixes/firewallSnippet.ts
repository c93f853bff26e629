/**
 * The guest firewall rule the quick fixes install: only root (Linux) or Administrator and SYSTEM
 * (Windows) may open connections to the metadata service, and the Linux rule is saved so that it
 * survives a reboot.
 */

/** Lines that restrict metadata to root and save the rules, without a shebang. */
export const bashRuleLines: readonly string[] = [
  '# Only root may reach the instance metadata service (added by metadata-guard).',
  'iptables -A OUTPUT -p tcp -d 169.254.169.254 -m owner ! --uid-owner root -j REJECT',
  'mkdir -p /etc/iptables',
  'iptables-save > /etc/iptables/rules.v4',
];

/**
 * Lines that block metadata for every local user except the built-in Administrator (the
 * account whose SID ends in -500) and SYSTEM. Windows checks the entries of an SDDL in order and
 * stops at the first that decides. So the deny entries that exempt the two accounts come before
 * the allow entry for Everyone (WD), which makes the block rule apply to all other users.
 */
export const powerShellRuleLines: readonly string[] = [
  '# Only Administrator and SYSTEM may reach the instance metadata service (added by metadata-guard).',
  "$adminSid = (Get-LocalUser | Where-Object { $_.SID.Value -like 'S-1-5-21-*-500' }).SID.Value",
  '$sddl = "D:(D;;CC;;;S-1-5-18)(D;;CC;;;$adminSid)(A;;CC;;;WD)"',
  "New-NetFirewallRule -DisplayName 'Restrict instance metadata' -Direction Outbound " +
    '-Action Block -Protocol TCP -RemoteAddress 169.254.169.254 -LocalUser $sddl',
];

/**
 * The rule as a cloud-config `bootcmd` entry. cloud-init runs `bootcmd` at every boot, so the
 * rule comes back after a reboot without being saved.
 */
export const cloudConfigRuleLines: readonly string[] = [
  '# Only root may reach the instance metadata service (added by metadata-guard).',
  'bootcmd:',
  `  - ${bashRuleLines[1]}`,
];

export type GuestOs = 'linux' | 'windows';

export function ruleLines(os: GuestOs): readonly string[] {
  return os === 'windows' ? powerShellRuleLines : bashRuleLines;
}

/** Returns the first line of a new boot script for a guest OS. */
export function scriptHeader(os: GuestOs): string {
  return os === 'windows' ? '#ps1' : '#!/bin/bash';
}

/** Escapes text for a Terraform quoted string or heredoc, where `${` and `%{` start templates. */
export function escapeTemplateSequences(text: string): string {
  return text.replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');
}

/** Escapes text for the inside of a Terraform quoted string. */
export function escapeHclQuoted(text: string): string {
  const escaped = text
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t');
  return escapeTemplateSequences(escaped);
}

/** Escapes text for the inside of a JSON string that Terraform reads as a template. */
export function escapeJsonString(text: string): string {
  const json = JSON.stringify(escapeTemplateSequences(text));
  return json.slice(1, -1);
}
