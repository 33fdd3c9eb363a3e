/**
 * One table, declared twice: in code (lib/stores/dynamo/table-definition.ts: the local stack and the tests create
 * it) and in the template (infra/serverless/table.yml: deployed stages). They must describe the same table.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { TABLE_DEFINITION } from '../../lib/stores/dynamo/table-definition';

const yml = load(readFileSync(join(__dirname, '..', '..', 'infra', 'serverless', 'table.yml'), 'utf8')) as {
  Resources: { PortcullisTable: { Properties: Record<string, unknown> } };
};
const declared = yml.Resources.PortcullisTable.Properties;
const sortBy = <T extends Record<string, unknown>>(list: T[], key: keyof T) => [...list].sort((a, b) => String(a[key]).localeCompare(String(b[key])));

test('the template declares the same keys, attributes, indexes and billing mode as the code', () => {
  expect(sortBy(declared.AttributeDefinitions as Array<Record<string, unknown>>, 'AttributeName')).toEqual(sortBy([...TABLE_DEFINITION.AttributeDefinitions], 'AttributeName'));
  expect(declared.KeySchema).toEqual(TABLE_DEFINITION.KeySchema);
  expect(declared.GlobalSecondaryIndexes).toEqual(TABLE_DEFINITION.GlobalSecondaryIndexes);
  expect(declared.BillingMode).toBe(TABLE_DEFINITION.BillingMode);
});

test('the template adds what only a deployed table has: TTL on expiresAt, point-in-time recovery, encryption', () => {
  expect(declared.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
  expect(declared.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
  expect(declared.SSESpecification).toMatchObject({ SSEEnabled: true });
});
