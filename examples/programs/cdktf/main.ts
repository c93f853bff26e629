import * as fs from 'fs';
import * as path from 'path';
import { Construct } from 'constructs';
import { App, TerraformStack } from 'cdktf';
import { ComputeInstance } from './.gen/providers/huaweicloud/compute-instance';

// The boot script installs and saves the guest firewall rule: clean.
class WebStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new ComputeInstance(this, 'web', {
      name: 'web',
      imageId: 'image-id',
      flavorId: 's6.large.2',
      userData: fs.readFileSync(path.join(__dirname, 'boot.sh'), 'utf8'),
      network: [{ uuid: 'subnet-id' }],
    });
  }
}

const app = new App();
new WebStack(app, 'web');
app.synth();
