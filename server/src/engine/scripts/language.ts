/** The kind of a boot script, from its first line. */
export type DetectedLanguage = 'bash' | 'powershell' | 'cmd' | 'cloud-config' | 'unknown';

/** Commands and keywords that make unmarked text look like a shell script. */
const shellWords = new Set([
  'iptables', 'ip6tables', 'nft', 'ufw', 'firewall-cmd', 'curl', 'wget', 'echo', 'printf', 'sudo',
  'apt', 'apt-get', 'yum', 'dnf', 'zypper', 'systemctl', 'service', 'export', 'mkdir', 'cat', 'cd',
  'chmod', 'chown', 'sed', 'useradd', 'hcloud', 'if', 'for', 'while', 'set', 'source', 'cp', 'mv',
  'rm', 'touch', 'tee', 'netfilter-persistent', 'iptables-save', 'bash', 'sh',
]);

function detectShebang(line: string): DetectedLanguage {
  const match = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(line);
  if (!match) return 'unknown';
  const program = match[1].endsWith('/env') ? match[2] ?? '' : match[1];
  const name = program.slice(program.lastIndexOf('/') + 1);
  if (/^(ba|da|z|k)?sh$/.test(name)) return 'bash';
  return /^pwsh|^powershell/i.test(name) ? 'powershell' : 'unknown';
}

function looksLikeShell(lines: string[]): boolean {
  return lines.some((line) => {
    const word = /^\s*([\w./-]+)/.exec(line)?.[1];
    if (!word) return false;
    return shellWords.has(word.slice(word.lastIndexOf('/') + 1)) || /^[A-Za-z_]\w*=/.test(line.trim());
  });
}

/**
 * Detects a boot script's language from its first non-empty line: a `#!` line naming a shell,
 * the Cloudbase-Init markers `#ps1`, `#ps1_sysnative`, `<powershell>` and `rem cmd`, or
 * `#cloud-config`. Text with no marker counts as bash when a line starts with a shell command
 * or an assignment, and as unknown otherwise.
 */
export function detectScriptLanguage(text: string): DetectedLanguage {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const first = (lines.find((line) => line.trim().length > 0) ?? '').trim();
  const lower = first.toLowerCase();
  if (first.startsWith('#!')) return detectShebang(first);
  if (/^#ps1(_sysnative|_x86)?$/.test(lower) || lower.startsWith('<powershell>')) return 'powershell';
  if (/^rem\s+cmd\b/.test(lower) || lower.startsWith('<script>')) return 'cmd';
  if (/^#cloud-config\s*$/.test(lower)) return 'cloud-config';
  if (lower.startsWith('#cloud-boothook')) return 'bash';
  if (/^(#include|#cloud-config-archive|content-type:|mime-version:)/.test(lower)) return 'unknown';
  return looksLikeShell(lines) ? 'bash' : 'unknown';
}
