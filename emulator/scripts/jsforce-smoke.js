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
  // Issue 17: describe's childRelationships, collections retrieve by POST, upsert,
  // composite/tree, record counts, JWT with both audiences, refresh token, logout.
  const accDesc = await conn.sobject('Account').describe();
  assert.ok(accDesc.childRelationships.find(c => c.relationshipName === 'Contacts'), 'childRelationships');
  const two = await conn.sobject('Account').retrieve(many.map(m => m.id));
  assert.deepStrictEqual(two.map(a => a.Name), ['A1', 'A2']);
  console.log('collections retrieve', two.length);
  const up1 = await conn.sobject('Account').upsert({ Name: 'Upsert CI', AccountNumber: 'CI-JS-1' }, 'AccountNumber');
  const up2 = await conn.sobject('Account').upsert({ Name: 'Upsert CI 2', AccountNumber: 'CI-JS-1' }, 'AccountNumber');
  assert.ok(up1.success && up2.success && up1.id === up2.id, JSON.stringify([up1, up2]));
  console.log('upsert', JSON.stringify(up1), JSON.stringify(up2));
  const tree = await conn.request({
    method: 'POST', url: '/composite/tree/Account', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ records: [{ attributes: { type: 'Account', referenceId: 'a1' }, Name: 'Tree JS',
      Contacts: { records: [{ attributes: { type: 'Contact', referenceId: 'c1' }, LastName: 'Leaf' }] } }] }),
  });
  assert.strictEqual(tree.hasErrors, false);
  console.log('tree', tree.results.length);
  const counts = await conn.request('/limits/recordCount?sObjects=Account,Contact');
  console.log('recordCount', JSON.stringify(counts.sObjects));
  const crypto = require('crypto');
  const key = require('fs').readFileSync(require('path').join(__dirname, '..', 'tests', 'fixtures', 'jwt-demo-key.pem'));
  const b64 = b => Buffer.from(b).toString('base64url');
  for (const aud of ['https://login.salesforce.com', 'https://test.salesforce.com', info.base_url]) {
    const claims = { iss: info.client_id, sub: info.username, aud, exp: Math.floor(Date.now() / 1000) + 180 };
    const input = b64(JSON.stringify({ alg: 'RS256' })) + '.' + b64(JSON.stringify(claims));
    const assertion = input + '.' + crypto.createSign('RSA-SHA256').update(input).sign(key).toString('base64url');
    const jwtConn = new jsforce.Connection({ oauth2: { loginUrl: info.login_url, clientId: info.client_id }, version: '60.0' });
    await jwtConn.authorize({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion });
    console.log('jwt', aud, (await jwtConn.query('SELECT Id FROM Organization')).totalSize);
  }
  const oauth2 = new jsforce.OAuth2({ loginUrl: info.login_url, clientId: info.client_id, clientSecret: info.client_secret });
  const refreshed = await oauth2.refreshToken('5Aep861crmctlDEMOrefreshToken.emulator.demo');
  const rconn = new jsforce.Connection({ instanceUrl: refreshed.instance_url, accessToken: refreshed.access_token, version: '60.0' });
  console.log('refresh token', (await rconn.query('SELECT Id FROM Organization')).totalSize);
  // logout() revokes (OAuth) or logs out (SOAP) and forgets the session: the old
  // token must then fail on a fresh connection.
  for (const c of [oauth, conn]) {
    const old = { instanceUrl: c.instanceUrl, accessToken: c.accessToken, version: '60.0' };
    await c.logout();
    let ended = false;
    try { await new jsforce.Connection(old).query('SELECT Id FROM Organization'); } catch (e) { ended = e.errorCode === 'INVALID_SESSION_ID'; }
    assert.ok(ended, 'logout ends the session');
  }
  console.log('logout ok (oauth2/revoke and SOAP logout)');
  const bad = new jsforce.Connection({ loginUrl: info.login_url });
  let badLogin = '';
  try { await bad.login(info.username, 'wrong'); } catch (e) { badLogin = e.message; }
  assert.ok(badLogin.startsWith('INVALID_LOGIN'), badLogin);
  console.log('ok');
})().catch(e => { console.error('FAILED', e); process.exit(1); });
