import { type Arg, isKnown, mentionsMetadataAddress } from './values';

/** The URLs, method, headers and body of a curl or wget command line. */
export interface HttpCall {
  urls: Arg[];
  method?: string;
  headers: string[];
  body?: string;
}

const valueOptions: Record<string, keyof Pick<HttpCall, 'method' | 'body'> | 'header'> = {
  '-H': 'header', '--header': 'header', '-X': 'method', '--request': 'method', '--method': 'method',
  '-d': 'body', '--data': 'body', '--data-raw': 'body', '--data-binary': 'body',
  '--data-ascii': 'body', '--json': 'body', '--body-data': 'body',
};

function store(call: HttpCall, kind: string, value: string): void {
  if (kind === 'header') call.headers.push(value);
  else if (kind === 'method') call.method = value;
  else call.body = value;
}

/** Splits `--name=value` and attached short forms (`-XPUT`, `-HX-Name: v`) into option and value. */
function splitAttached(word: string): [string, string] | undefined {
  const equals = /^(--[\w-]+)=(.*)$/s.exec(word);
  if (equals) return [equals[1], equals[2]];
  const short = /^(-[HXd])(.+)$/s.exec(word);
  return short ? [short[1], short[2]] : undefined;
}

/** Reads the URLs, method, headers and body of a curl or wget command (arguments after its name). */
export function parseHttpCall(args: Arg[]): HttpCall {
  const call: HttpCall = { urls: [], headers: [] };
  for (let index = 0; index < args.length; index++) {
    const word = args[index].value;
    const attached = splitAttached(word);
    if (attached && attached[0] in valueOptions) store(call, valueOptions[attached[0]], attached[1]);
    else if (word in valueOptions && index + 1 < args.length) store(call, valueOptions[word], args[++index].value);
    else if (!word.startsWith('-')) call.urls.push(args[index]);
  }
  return call;
}

/**
 * Returns true when a header may send a V2 token: it names `X-Metadata-Token`, or its name is not
 * known (`-H "$HEADER"`). Scripts often keep the token header in a variable, and the rules report
 * only requests that certainly lack it.
 */
export function mayBeTokenHeader(header: string): boolean {
  if (isTokenHeader(header)) return true;
  const name = header.split(':', 1)[0];
  return !isKnown(name);
}

/** Returns true when a header line sends a V2 token (`X-Metadata-Token: ...`). */
export function isTokenHeader(header: string): boolean {
  return /^\s*X-Metadata-Token\s*:/i.test(header);
}

/** Returns true for the V2 token endpoint. */
export function isTokenUrl(url: string): boolean {
  return url.includes('/meta-data/latest/api/token');
}

/** Shows an argument as written, without its outer quotes, when its value is not fully known. */
export function displayValue(arg: Arg): string {
  return isKnown(arg.value) ? arg.value : arg.raw.replace(/^(['"])(.*)\1$/s, '$2');
}

/** Returns the first URL of a call that points at the metadata service. */
export function metadataUrl(call: HttpCall): Arg | undefined {
  return call.urls.find((url) => mentionsMetadataAddress(url.value));
}

/** Metadata option values read from a call; unknown values stay undefined. */
export interface OptionValues {
  httpTokens?: string;
  httpEndpoint?: string;
}

function known(value: string | undefined): string | undefined {
  return value !== undefined && isKnown(value) ? value : undefined;
}

/** Reads `http_tokens` / `http_endpoint` from the JSON body of a metadata-options request. */
export function optionsFromJson(body: string): OptionValues {
  const read = (key: string): string | undefined =>
    known(new RegExp(`"?${key}"?\\s*:\\s*"?([^",}\\s]+)`).exec(body)?.[1]);
  return { httpTokens: read('http_tokens'), httpEndpoint: read('http_endpoint') };
}

/** Reads a curl `PUT .../metadata-options` call with a JSON body; undefined for anything else. */
export function curlOptionsCall(call: HttpCall): OptionValues | undefined {
  const target = call.urls.some((url) => url.value.includes('/metadata-options'));
  if (!target || call.method?.toUpperCase() !== 'PUT' || call.body === undefined) return undefined;
  return optionsFromJson(call.body);
}

/**
 * Reads a KooCLI call `hcloud ECS <...MetadataOptions> --http_tokens=required` (arguments after
 * `hcloud`). Parameters may carry a prefix (`--metadata_options.http_tokens`). The operation
 * name is unverified across SDKs, so any ECS call with these parameters counts.
 */
export function hcloudOptionsCall(args: Arg[]): OptionValues | undefined {
  if (args[0]?.value.toUpperCase() !== 'ECS') return undefined;
  const values: OptionValues & { seen?: boolean } = {};
  for (let index = 1; index < args.length; index++) {
    const match = /^--([\w.]+?)(?:=(.*))?$/s.exec(args[index].value);
    if (!match) continue;
    const value = match[2] ?? args[index + 1]?.value;
    if (/(^|[._])http_?tokens$/i.test(match[1])) [values.httpTokens, values.seen] = [known(value), true];
    if (/(^|[._])http_?endpoint$/i.test(match[1])) [values.httpEndpoint, values.seen] = [known(value), true];
  }
  const operation = args[1]?.value ?? '';
  if (!values.seen && !/MetadataOptions$/i.test(operation)) return undefined;
  return { httpTokens: values.httpTokens, httpEndpoint: values.httpEndpoint };
}
