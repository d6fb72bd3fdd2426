// jsforce against the emulator (run by clients-smoke.sh).
const assert = require('assert');
const jsforce = require('jsforce');
const info = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8')).data;
(async () => {
  const conn = new jsforce.Connection({ loginUrl: info.login_url, version: '60.0' });
  const ui = await conn.login(info.username, info.password + info.security_token);
  console.log('soap login ok', ui.id, conn.instanceUrl);
  const q = await conn.query("SELECT Id, Name FROM Account WHERE Phone != null LIMIT 5");
  console.log('query', q.totalSize);
  const org = await conn.query("SELECT Id, Name FROM Organization");
  console.log('org', org.records[0].Name);
  const t = await conn.sobject('Task').create({ Subject: 'CI call', CallType: 'Inbound', CallDurationInSeconds: '42' });
  console.log('create', JSON.stringify(t));
  const u = await conn.sobject('Task').update({ Id: t.id, Status: 'Completed' });
  console.log('update', JSON.stringify(u));
  const r = await conn.sobject('Task').retrieve(t.id);
  assert.strictEqual(r.Status, 'Completed');
  assert.strictEqual(r.CallDurationInSeconds, 42);
  console.log('retrieve', r.Status, r.CallDurationInSeconds);
  const d = await conn.sobject('Task').destroy(t.id);
  console.log('delete', JSON.stringify(d));
  const s = await conn.search("FIND {4155551212} IN PHONE FIELDS RETURNING Contact(Id, Name)");
  console.log('search', s.searchRecords.length);
  const desc = await conn.sobject('Task').describe();
  console.log('describe', desc.fields.length);
  const id = await conn.identity();
  console.log('identity', id.username);
  const many = await conn.sobject('Account').create([{ Name: 'A1' }, { Name: 'A2' }]);
  console.log('collections', JSON.stringify(many));
  const oauth = new jsforce.Connection({ oauth2: { loginUrl: info.login_url, clientId: info.client_id, clientSecret: info.client_secret }, version: '60.0' });
  await oauth.login(info.username, info.password + info.security_token);
  console.log('oauth password ok', (await oauth.query("SELECT Id FROM Case LIMIT 2")).totalSize);
  let refused = false;
  try { await conn.sobject('Task').create({ Subject: 'x', CallType: 'Sideways' }); } catch (e) { refused = e.errorCode === 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST'; }
  assert.ok(refused, 'restricted picklist refused');
  const bad = new jsforce.Connection({ loginUrl: info.login_url });
  let badLogin = '';
  try { await bad.login(info.username, 'wrong'); } catch (e) { badLogin = e.message; }
  assert.ok(badLogin.startsWith('INVALID_LOGIN'), badLogin);
  console.log('ok');
})().catch(e => { console.error('FAILED', e); process.exit(1); });
