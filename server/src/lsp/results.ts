import type { AnalysisResult, Finding, Notice } from '../engine';
import { isModuleFile, moduleDirOf } from './paths';

/** The latest analysis of one module folder, as the server keeps it. */
export interface ModuleResult {
  dir: string;
  /** Number of the analysis that produced this result; findings are looked up by it. */
  run: number;
  findings: Finding[];
  notices: Notice[];
  /** Files whose diagnostics this result decides: analysed files and files with notices. */
  files: Set<string>;
  dependencies: string[];
  /** Versions of the open documents that the analysis read, by absolute path. */
  versions: Map<string, number>;
}

/** The reference to a finding that a diagnostic carries in its `data` field. */
export interface FindingRef {
  ruleId: string;
  moduleDir: string;
  run: number;
  index: number;
}

/** A finding together with its reference and the result it came from. */
export interface StoredFinding {
  finding: Finding;
  ref: FindingRef;
  result: ModuleResult;
}

/**
 * Stores the latest result of each module folder and the map from every file an analysis read
 * to the module folders that read it.
 */
export class ResultStore {
  private readonly modules = new Map<string, ModuleResult>();
  private readonly dependants = new Map<string, Set<string>>();

  /** Builds a module result from an engine result. */
  static fromAnalysis(
    dir: string,
    run: number,
    analysis: AnalysisResult,
    versions: Map<string, number>,
  ): ModuleResult {
    const files = new Set(analysis.analyzedFiles);
    for (const notice of analysis.notices) files.add(notice.file);
    for (const finding of analysis.findings) files.add(finding.location.file);
    const { findings, notices, dependencies } = analysis;
    return { dir, run, findings, notices, files, dependencies, versions };
  }

  /** Replaces the result of a module; returns the files whose diagnostics may have changed. */
  set(result: ModuleResult): string[] {
    const previous = this.modules.get(result.dir);
    this.unlinkDependencies(previous);
    this.modules.set(result.dir, result);
    for (const file of result.dependencies) {
      let dirs = this.dependants.get(file);
      if (!dirs) this.dependants.set(file, (dirs = new Set()));
      dirs.add(result.dir);
    }
    return [...new Set([...(previous?.files ?? []), ...result.files])];
  }

  /** Removes the result of a unit, by key; returns the files whose diagnostics it decided. */
  delete(key: string): string[] {
    const previous = this.modules.get(key);
    if (!previous) return [];
    this.unlinkDependencies(previous);
    this.modules.delete(key);
    return [...previous.files];
  }

  /** Tells whether a unit, by key, has a stored result. */
  has(key: string): boolean {
    return this.modules.has(key);
  }

  /** Returns the module folders whose last analysis read `file`. */
  modulesReading(file: string): string[] {
    return [...(this.dependants.get(file) ?? [])];
  }

  /**
   * Returns the module folders to analyse again when `file` changes: those that read it, and its
   * own folder when it is a module file and that folder was analysed before.
   */
  modulesAffectedBy(file: string): string[] {
    const dirs = new Set(this.modulesReading(file));
    const dir = moduleDirOf(file);
    if (isModuleFile(file) && this.modules.has(dir)) dirs.add(dir);
    return [...dirs];
  }

  /** Returns every analysed module folder. */
  moduleDirs(): string[] {
    return [...this.modules.keys()];
  }

  /** Returns every file that has diagnostics decided by some module. */
  files(): string[] {
    const all = new Set<string>();
    for (const result of this.modules.values()) result.files.forEach((file) => all.add(file));
    return [...all];
  }

  /** Returns the stored results that decide the diagnostics of `file`. */
  resultsFor(file: string): ModuleResult[] {
    return [...this.modules.values()].filter((result) => result.files.has(file));
  }

  /** Returns the findings located in `file`, from every module that decides it. */
  findingsIn(file: string): StoredFinding[] {
    const found: StoredFinding[] = [];
    for (const result of this.modules.values()) {
      result.findings.forEach((finding, index) => {
        if (finding.location.file !== file) return;
        const ref = { ruleId: finding.ruleId, moduleDir: result.dir, run: result.run, index };
        found.push({ finding, ref, result });
      });
    }
    return found;
  }

  /** Returns the notices about `file`, from every module. */
  noticesIn(file: string): Notice[] {
    const found: Notice[] = [];
    for (const result of this.modules.values()) {
      found.push(...result.notices.filter((notice) => notice.file === file));
    }
    return found;
  }

  /** Finds a finding again from a diagnostic's reference; undefined when it is out of date. */
  lookup(ref: FindingRef): StoredFinding | undefined {
    const result = this.modules.get(ref.moduleDir);
    if (!result || result.run !== ref.run) return undefined;
    const finding = result.findings[ref.index];
    if (!finding || finding.ruleId !== ref.ruleId) return undefined;
    return { finding, ref, result };
  }

  private unlinkDependencies(previous: ModuleResult | undefined): void {
    if (!previous) return;
    for (const file of previous.dependencies) {
      const dirs = this.dependants.get(file);
      dirs?.delete(previous.dir);
      if (dirs?.size === 0) this.dependants.delete(file);
    }
  }
}
