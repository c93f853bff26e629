/** Severity of a finding, from the most to the least serious. */
export type Severity = 'error' | 'warning' | 'info';

/** Zero-based line and UTF-16 character offset, as the Language Server Protocol counts them. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** A range in a file, with the file named by its absolute path. */
export interface Location {
  file: string;
  range: Range;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

/** Edits to one file; ranges refer to the text the analysis read. */
export interface FileEdit {
  file: string;
  edits: TextEdit[];
}

/** A quick fix: one or more file edits applied together. */
export interface Fix {
  title: string;
  isPreferred: boolean;
  edits: FileEdit[];
}

export interface RelatedLocation {
  location: Location;
  message: string;
}

/** One problem found by one rule. */
export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  location: Location;
  related: RelatedLocation[];
  fixes: Fix[];
  /**
   * True when the finding reports a value the engine could not resolve ("Cannot verify ...")
   * rather than a problem it found; the `unknownValues` setting decides how these are reported.
   */
  unknownValue?: boolean;
}

/** Something the user should know that is not a rule finding: a skipped or partly parsed file. */
export interface Notice {
  file: string;
  message: string;
  /** Present when the notice belongs at a place in the file, such as the first parse error. */
  range?: Range;
}
