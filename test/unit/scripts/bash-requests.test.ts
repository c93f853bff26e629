import * as assert from 'assert';
import { analyzeBashText } from './helpers';

const url = 'http://169.254.169.254/openstack/latest/meta_data.json';
const tokenUrl = 'http://169.254.169.254/meta-data/latest/api/token';

describe('analyzeBash metadata requests', () => {
  it('plain curl is V1', async () => {
    const [request] = (await analyzeBashText(`curl -s ${url}`)).metadataRequests;
    assert.strictEqual(request.tool, 'curl');
    assert.strictEqual(request.hasTokenHeader, false);
    assert.strictEqual(request.isTokenRequest, false);
    assert.strictEqual(request.url, url);
  });

  const tokenForms: Array<[string, string]> = [
    ['curl -H', `curl -H "X-Metadata-Token: $TOKEN" ${url}`],
    ['curl --header', `curl --header 'X-Metadata-Token: abc' "${url}"`],
    ['curl attached -H', `curl "-HX-Metadata-Token: $T" ${url}`],
    ['wget --header=', `wget -qO- --header="X-Metadata-Token: $T" ${url}`],
    ['wget --header', `wget --header "X-Metadata-Token: $T" ${url}`],
  ];
  for (const [name, script] of tokenForms) {
    it(`${name} sends token`, async () => {
      const [request] = (await analyzeBashText(script)).metadataRequests;
      assert.strictEqual(request.hasTokenHeader, true);
    });
  }

  it('other IPv4 forms of the address', async () => {
    for (const host of ['0xa9fea9fe', '2852039166', '0251.0376.0251.0376', '169.254.43518', '0xA9.0xFE.0xA9.0xFE']) {
      const requests = (await analyzeBashText(`curl -s http://${host}/openstack/latest/meta_data.json`)).metadataRequests;
      assert.strictEqual(requests.length, 1, host);
      assert.strictEqual(requests[0].hasTokenHeader, false, host);
    }
  });

  it('backslash before the command name', async () => {
    const requests = (await analyzeBashText(`\\curl -s ${url}\n\\curl -s ${url}`)).metadataRequests;
    assert.strictEqual(requests.length, 2);
  });

  it('near numbers are other hosts', async () => {
    for (const host of ['0xa9fea9fd', '2852039167', '169.254.169.253', '0xa9fea9fe.example.com']) {
      const requests = (await analyzeBashText(`curl -s http://${host}/x`)).metadataRequests;
      assert.strictEqual(requests.length, 0, host);
    }
  });

  it('header from a variable may be the token', async () => {
    const script = `HDR="X-Metadata-Token: $TOKEN"\ncurl -s -H "$HDR" ${url}`;
    const [request] = (await analyzeBashText(script)).metadataRequests;
    assert.strictEqual(request.hasTokenHeader, true);
  });

  it('headers from an array may hold the token', async () => {
    const script = `ARGS=(-s -H "X-Metadata-Token: $TOKEN")\ncurl "\${ARGS[@]}" ${url}`;
    const [request] = (await analyzeBashText(script)).metadataRequests;
    assert.strictEqual(request.hasTokenHeader, true);
  });

  it('headers from a file may hold the token', async () => {
    const [request] = (await analyzeBashText(`curl -s -H @/run/md-headers ${url}`)).metadataRequests;
    assert.strictEqual(request.hasTokenHeader, true);
  });

  it('other known header is not a token', async () => {
    const [request] = (await analyzeBashText(`curl -s -H "Accept: application/json" ${url}`)).metadataRequests;
    assert.strictEqual(request.hasTokenHeader, false);
  });

  it('ttl header is not a token', async () => {
    const [request] = (await analyzeBashText(`curl -H 'X-Metadata-Token-Ttl-Seconds: 60' ${url}`)).metadataRequests;
    assert.strictEqual(request.hasTokenHeader, false);
  });

  it('token PUT with curl', async () => {
    const script = `TOKEN=$(curl -X PUT "${tokenUrl}" -H "X-Metadata-Token-Ttl-Seconds: 21600")`;
    const [request] = (await analyzeBashText(script)).metadataRequests;
    assert.strictEqual(request.isTokenRequest, true);
    assert.strictEqual(request.hasTokenHeader, false);
  });

  it('token PUT with wget', async () => {
    const [request] = (await analyzeBashText(`wget --method=PUT ${tokenUrl}`)).metadataRequests;
    assert.strictEqual(request.isTokenRequest, true);
  });

  it('GET of token URL', async () => {
    const [request] = (await analyzeBashText(`curl ${tokenUrl}`)).metadataRequests;
    assert.strictEqual(request.isTokenRequest, false);
  });

  it('url with variable part', async () => {
    const [request] = (await analyzeBashText('curl "http://169.254.169.254/$path"')).metadataRequests;
    assert.strictEqual(request.url, 'http://169.254.169.254/$path');
  });

  it('other hosts ignored', async () => {
    assert.strictEqual((await analyzeBashText('curl https://example.com/x')).metadataRequests.length, 0);
  });
});

describe('analyzeBash metadata options', () => {
  it('hcloud with http_tokens', async () => {
    const script = 'hcloud ECS UpdateServerMetadataOptions --cli-region=sa-brazil-1 --server_id=$ID --http_tokens=required';
    const [call] = (await analyzeBashText(script)).metadataOptionsCalls;
    assert.strictEqual(call.httpTokens, 'required');
    assert.strictEqual(call.httpEndpoint, undefined);
  });

  it('hcloud prefixed params', async () => {
    const script = 'hcloud ECS UpdateMetadataOptions --metadata_options.http_endpoint=disabled --metadata_options.http_tokens=optional';
    const [call] = (await analyzeBashText(script)).metadataOptionsCalls;
    assert.strictEqual(call.httpEndpoint, 'disabled');
    assert.strictEqual(call.httpTokens, 'optional');
  });

  it('hcloud unknown value', async () => {
    const [call] = (await analyzeBashText('hcloud ECS UpdateServerMetadataOptions --http_tokens=$MODE')).metadataOptionsCalls;
    assert.strictEqual(call.httpTokens, undefined);
  });

  it('hcloud other operation ignored', async () => {
    const facts = await analyzeBashText('hcloud ECS ShowServer --server_id=abc');
    assert.strictEqual(facts.metadataOptionsCalls.length, 0);
  });

  it('curl PUT with JSON body', async () => {
    const script = 'curl -X PUT "https://ecs.sa-brazil-1.myhuaweicloud.com/v1/$PROJECT/cloudservers/$ID/metadata-options" ' +
      '-H "X-Auth-Token: $T" -d \'{"http_tokens": "required", "http_endpoint": "enabled"}\'';
    const [call] = (await analyzeBashText(script)).metadataOptionsCalls;
    assert.strictEqual(call.httpTokens, 'required');
    assert.strictEqual(call.httpEndpoint, 'enabled');
  });

  it('curl GET of options ignored', async () => {
    const facts = await analyzeBashText('curl "https://ecs.example.com/v1/p/cloudservers/s/metadata-options"');
    assert.strictEqual(facts.metadataOptionsCalls.length, 0);
  });
});
