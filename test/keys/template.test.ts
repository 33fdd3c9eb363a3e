/**
 * infra/serverless/keys.yml: the KMS signing key fragment. (The full `serverless package` template
 * test covers it once serverless.yml includes the fragment; this one checks the fragment itself, fast.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { KMS_KEY_SPEC } from '../../lib/keys/kms-signer';
import { SIGNING_KEY_TAG } from '../../lib/keys/kms-keys';

type Statement = { Sid: string; Principal: { AWS: unknown }; Action: string | string[]; Resource: string };
const root = join(__dirname, '..', '..');
const text = readFileSync(join(root, 'infra/serverless/keys.yml'), 'utf8');
const fragment = load(text) as any;
const serverless = load(readFileSync(join(root, 'serverless.yml'), 'utf8')) as any;
const key = fragment.Resources.SigningKey;
const statements: Statement[] = key.Properties.KeyPolicy.Statement;
const actions = (s: Statement) => ([] as string[]).concat(s.Action).sort();
const principal = (role: string) => statements.filter((s) => JSON.stringify(s.Principal.AWS) === JSON.stringify({ 'Fn::GetAtt': [role, 'Arn'] }));

test('no short-form intrinsic tags', () => {
  expect(text).not.toMatch(/!(Ref|GetAtt|Sub|If|Equals|FindInMap)\b/);
});

test('an asymmetric SIGN_VERIFY key whose spec follows custom.portcullis.signingAlg', () => {
  expect(key.Type).toBe('AWS::KMS::Key');
  expect(key.Properties.KeyUsage).toBe('SIGN_VERIFY');
  expect(key.Properties.KeySpec).toEqual({ 'Fn::FindInMap': ['PortcullisSigningKeySpec', '${self:custom.portcullis.signingAlg}', 'KeySpec'] });
  const mapping = fragment.Mappings.PortcullisSigningKeySpec;
  expect(Object.fromEntries(Object.entries(mapping).map(([alg, v]) => [alg, (v as { KeySpec: string }).KeySpec]))).toEqual(KMS_KEY_SPEC);
  expect(mapping).toHaveProperty(serverless.custom.portcullis.signingAlg);
  expect(key.Properties.Tags).toEqual([{ Key: SIGNING_KEY_TAG, Value: '${self:service}-${sls:stage}' }]);
  expect(key.DeletionPolicy).toBe('Retain');
});

test('key policy: the account administers; the token role may only Sign and GetPublicKey; the JWKS role only GetPublicKey', () => {
  expect(statements.map((s) => s.Sid).sort()).toEqual(['AccountAdministration', 'JwksFunctionReadsPublicKey', 'TokenFunctionSigns']);
  expect(principal('TokenRole').map(actions)).toEqual([['kms:GetPublicKey', 'kms:Sign']]);
  expect(principal('JwksRole').map(actions)).toEqual([['kms:GetPublicKey']]);
  // Only the account root (administration) gets anything beyond Sign/GetPublicKey.
  for (const s of statements.filter((x) => x.Sid !== 'AccountAdministration')) {
    for (const a of actions(s)) expect(['kms:Sign', 'kms:GetPublicKey']).toContain(a);
  }
  const admin = statements.find((s) => s.Sid === 'AccountAdministration')!;
  expect(admin.Principal.AWS).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' });
});

test('created only in stages whose signer is kms; the alias is the one the functions are configured with', () => {
  const signerExpr = serverless.provider.environment.PORTCULLIS_SIGNER;
  expect(fragment.Conditions.PortcullisKmsSigner).toEqual({ 'Fn::Equals': [signerExpr, 'kms'] });
  expect(key.Condition).toBe('PortcullisKmsSigner');
  const alias = fragment.Resources.SigningKeyAlias;
  expect(alias.Condition).toBe('PortcullisKmsSigner');
  expect(alias.Properties).toEqual({ AliasName: serverless.provider.environment.PORTCULLIS_KMS_KEY_ID, TargetKeyId: { Ref: 'SigningKey' } });
  for (const output of Object.values(fragment.Outputs)) expect((output as { Condition: string }).Condition).toBe('PortcullisKmsSigner');
});
