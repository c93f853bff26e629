import * as assert from 'assert';
import { detectScriptLanguage } from '../../../server/src/engine/scripts/language';

describe('detectScriptLanguage', () => {
  const cases: Array<[string, string, string]> = [
    ['bash shebang', '#!/bin/bash\necho hi', 'bash'],
    ['sh shebang', '#!/bin/sh\n', 'bash'],
    ['dash shebang', '#!/bin/dash\n', 'bash'],
    ['zsh shebang', '#!/usr/bin/zsh\n', 'bash'],
    ['env bash', '#!/usr/bin/env bash\n', 'bash'],
    ['python shebang', '#!/usr/bin/python3\nprint(1)', 'unknown'],
    ['ps1', '#ps1\nWrite-Host hi', 'powershell'],
    ['ps1_sysnative', '#ps1_sysnative\r\nWrite-Host hi', 'powershell'],
    ['powershell tag', '<powershell>\nWrite-Host hi\n</powershell>', 'powershell'],
    ['rem cmd', 'rem cmd\nnetsh advfirewall show allprofiles', 'cmd'],
    ['REM CMD', 'REM CMD\r\necho hi', 'cmd'],
    ['cloud-config', '#cloud-config\nruncmd: []', 'cloud-config'],
    ['leading blank line', '\n#!/bin/bash\n', 'bash'],
    ['unmarked shell', 'yum install -y nginx\nsystemctl start nginx', 'bash'],
    ['unmarked assignment', 'NAME=web\n', 'bash'],
    ['yaml text', 'packages:\n  - nginx', 'unknown'],
    ['empty', '', 'unknown'],
  ];
  for (const [name, text, expected] of cases) {
    it(name, () => {
      assert.strictEqual(detectScriptLanguage(text), expected);
    });
  }
});
