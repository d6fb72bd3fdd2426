// jsforce's bulk2 (Bulk API 2.0) against the emulator (run by bulk2-smoke.sh).
const assert = require('assert');
const jsforce = require('jsforce');
const info = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8')).data;
(async () => {
  const conn = new jsforce.Connection({ loginUrl: info.login_url, version: '60.0' });
  await conn.login(info.username, info.password + info.security_token);
  conn.bulk2.pollInterval = 200;
  // Ingest: insert two contacts (one refused: no LastName), then read the results.
  const res = await conn.bulk2.loadAndWaitForResults({
    object: 'Contact',
    operation: 'insert',
    input: 'FirstName,LastName,Phone\nBulk,Tester,+31 20 812 0001\nNo,,+31 20 812 0002\n',
  });
  assert.strictEqual(res.successfulResults.length, 1, JSON.stringify(res));
  assert.strictEqual(res.failedResults.length, 1, JSON.stringify(res));
  assert.ok(res.successfulResults[0].sf__Id.startsWith('003'));
  assert.strictEqual(res.successfulResults[0].sf__Created, 'true');
  assert.ok(res.failedResults[0].sf__Error.startsWith('REQUIRED_FIELD_MISSING'));
  console.log('bulk2 ingest ok', res.successfulResults[0].sf__Id);
  // Query: every Contact phone, through the locator loop.
  const records = await (await conn.bulk2.query('SELECT Id, Phone FROM Contact')).toArray();
  const total = (await conn.query('SELECT COUNT() FROM Contact')).totalSize;
  assert.strictEqual(records.length, total);
  assert.ok(records.some(r => r.Phone === '+31 20 812 0001'));
  console.log('bulk2 query ok', records.length);
  console.log('ok');
})().catch(e => { console.error('FAILED', e); process.exit(1); });
