import * as path from 'path';
import type { DocumentKind } from './kinds';
import { userDataFileAnalyzer } from './userDataDocument';

/** Shell scripts: `.sh`, `.bash`, and files without an extension whose shebang names bash or sh. */
export const shellDocument: DocumentKind = {
  id: 'shell',
  commentSyntax: 'bash',
  matches(file, firstLine) {
    if (/\.(sh|bash)$/i.test(file)) return true;
    return path.extname(file) === '' && /^#!\s*\S*\/(env\s+)?(ba|da)?sh\b/.test(firstLine);
  },
  analyze: userDataFileAnalyzer('bash'),
};

/** PowerShell scripts and modules: `.ps1`, `.psm1`, and extensionless user data starting `#ps1`. */
export const powerShellDocument: DocumentKind = {
  id: 'powershell',
  commentSyntax: 'powershell',
  matches(file, firstLine) {
    if (/\.(ps1|psm1)$/i.test(file)) return true;
    return path.extname(file) === '' && /^#ps1(_sysnative)?\s*$/i.test(firstLine);
  },
  analyze: userDataFileAnalyzer('powershell'),
};

/** cloud-init user data: a first line of `#cloud-config`, or MIME multipart headers. */
export const cloudInitDocument: DocumentKind = {
  id: 'cloud-init',
  commentSyntax: 'yaml',
  matches(file, firstLine) {
    if (!/(\.(ya?ml|cfg|txt|mime)|^[^.]*)$/i.test(path.basename(file))) return false;
    return /^\uFEFF?#cloud-config\s*$/.test(firstLine) || /^(Content-Type:\s*multipart\/|MIME-Version:)/i.test(firstLine);
  },
  analyze: userDataFileAnalyzer(),
};
