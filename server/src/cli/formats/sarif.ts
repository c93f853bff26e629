import * as fs from 'fs';
import { fileURLToPath, pathToFileURL } from 'url';
import { ruleDocs, rules } from '../../engine';
import type { Finding, Fix, Location, Notice, Severity } from '../../engine';
import { displayPath, isInside, oneBased, type Report } from '../report';

/** SARIF levels for the engine's severities. */
const sarifLevels: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
};

const schemaUri = 'https://json.schemastore.org/sarif-2.1.0.json';

/**
 * Formats the report as a SARIF 2.1.0 log with one run. Artifact URIs are relative to the scan
 * root, named `SRCROOT` in `originalUriBaseIds`; a file outside the root gets an absolute
 * `file:` URI instead.
 */
export function formatSarif(report: Report): string {
  const log = {
    $schema: schemaUri,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: driver(report) },
        originalUriBaseIds: { SRCROOT: { uri: folderUrl(report.root) } },
        invocations: [invocation(report.result.notices, report.root)],
        results: report.findings.map((finding) => result(finding, report.root)),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

function driver(report: Report) {
  const docs = ruleDocs();
  return {
    name: report.tool.name,
    version: report.tool.version,
    informationUri: report.tool.informationUri,
    rules: rules.map((rule) => ({
      id: rule.id,
      shortDescription: { text: rule.title },
      fullDescription: { text: rule.summary },
      help: ruleHelp(rule.id, rule.summary, docs.get(rule.id)),
      defaultConfiguration: { level: sarifLevels[rule.defaultSeverity] },
    })),
  };
}

/**
 * Returns a rule's help: its summary as text and its documentation page as Markdown. The page is
 * embedded rather than linked by `helpUri`, because a `file:` URI of the machine that ran the
 * scan means nothing where the log is read (a code-scanning service, another computer).
 */
function ruleHelp(id: string, summary: string, docUrl: string | undefined): { text: string; markdown?: string } {
  const text = `${summary} Documentation: docs/rules/${id}.md in the metadata-guard package.`;
  try {
    return docUrl ? { text, markdown: fs.readFileSync(fileURLToPath(docUrl), 'utf8') } : { text };
  } catch {
    return { text };
  }
}

/** Reports notices (skipped or partly parsed files) as tool execution notifications. */
function invocation(notices: Notice[], root: string) {
  return {
    executionSuccessful: true,
    toolExecutionNotifications: notices.map((notice) => ({
      level: 'warning',
      message: { text: notice.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: artifactLocation(notice.file, root),
            ...(notice.range ? { region: oneBased(notice.range) } : {}),
          },
        },
      ],
    })),
  };
}

function result(finding: Finding, root: string) {
  const ruleIndex = rules.findIndex((rule) => rule.id === finding.ruleId);
  return {
    ruleId: finding.ruleId,
    ...(ruleIndex >= 0 ? { ruleIndex } : {}),
    level: sarifLevels[finding.severity],
    message: { text: finding.message },
    locations: [{ physicalLocation: physicalLocation(finding.location, root) }],
    relatedLocations: finding.related.map((related, index) => ({
      id: index + 1,
      physicalLocation: physicalLocation(related.location, root),
      message: { text: related.message },
    })),
    fixes: finding.fixes.map((fix) => sarifFix(fix, root)),
  };
}

function sarifFix(fix: Fix, root: string) {
  return {
    description: { text: fix.title },
    artifactChanges: fix.edits.map((fileEdit) => ({
      artifactLocation: artifactLocation(fileEdit.file, root),
      replacements: fileEdit.edits.map((edit) => ({
        deletedRegion: oneBased(edit.range),
        insertedContent: { text: edit.newText },
      })),
    })),
  };
}

function physicalLocation(location: Location, root: string) {
  return {
    artifactLocation: artifactLocation(location.file, root),
    region: oneBased(location.range),
  };
}

function artifactLocation(file: string, root: string): { uri: string; uriBaseId?: string } {
  if (!isInside(file, root)) return { uri: pathToFileURL(file).href };
  const segments = displayPath(file, root).split('/');
  return { uri: segments.map(encodeURIComponent).join('/'), uriBaseId: 'SRCROOT' };
}

function folderUrl(folder: string): string {
  const href = pathToFileURL(folder).href;
  return href.endsWith('/') ? href : `${href}/`;
}
