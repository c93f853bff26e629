import * as path from 'path';
import { fileURLToPath, pathToFileURL } from 'url';

/** Converts a `file:` URI to an absolute path, or returns undefined for other schemes. */
export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/** Converts an absolute path to a `file:` URI. */
export function pathToUri(file: string): string {
  return pathToFileURL(file).href;
}

/** Tells whether a file is Terraform configuration that belongs to a module folder. */
export function isTerraformFile(file: string): boolean {
  return file.endsWith('.tf') || file.endsWith('.tf.json');
}

/** Tells whether a file is read as part of its folder's module (configuration or tfvars). */
export function isModuleFile(file: string): boolean {
  return isTerraformFile(file) || file.endsWith('.tfvars') || file.endsWith('.tfvars.json');
}

/** Returns the module folder that a Terraform file belongs to. */
export function moduleDirOf(file: string): string {
  return path.dirname(file);
}
