"""simple-salesforce against the emulator (run by clients-smoke.sh)."""
import json, sys, requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest
info = json.load(open(sys.argv[1]))["data"]
tok = requests.post(info["login_url"] + "/services/oauth2/token", data={
    "grant_type": "password", "client_id": info["client_id"], "client_secret": info["client_secret"],
    "username": info["username"], "password": info["password"] + info["security_token"]}).json()
sf = Salesforce(instance_url=tok["instance_url"], session_id=tok["access_token"], version="60.0")
print("query", sf.query("SELECT Id, Name FROM Contact LIMIT 3")["totalSize"])
print("query_all", len(sf.query_all("SELECT Id FROM Account")["records"]))
task = sf.Task.create({"Subject": "CI call", "CallType": "Inbound", "CallDurationInSeconds": 30})
print("create", task)
print("update", sf.Task.update(task["id"], {"Status": "Completed"}))
assert sf.Task.get(task["id"])["Status"] == "Completed"
print("describe", len(sf.Task.describe()["fields"]))
print("delete", sf.Task.delete(task["id"]))
print("by case number", sf.Case.get_by_custom_id("CaseNumber", "00001026")["Subject"])
print("search", len(sf.search("FIND {4155551212} IN PHONE FIELDS RETURNING Contact(Id, Name), Lead(Id)")["searchRecords"]))
try:
    sf.Task.create({"Subject": "x", "CallDurationInSeconds": "abc"})
except SalesforceMalformedRequest as e:
    assert e.content[0]["errorCode"] == "JSON_PARSER_ERROR"
else:
    raise AssertionError("CallDurationInSeconds=abc was accepted")
print("limits", sf.limits()["DailyApiRequests"]["Max"])
print("api usage", sf.api_usage)
# SOAP login through simple-salesforce's own SalesforceLogin, with the domain pointing here
from simple_salesforce import SalesforceLogin
host = info["login_url"].replace("https://", "")
sid, inst = SalesforceLogin(username=info["username"], password=info["password"], security_token=info["security_token"], domain=host + "/services/Soap/u/60.0#")
print("soap login via domain trick", inst)
sf2 = Salesforce(instance=inst, session_id=sid)
print("soap session works", sf2.query("SELECT Id FROM Lead LIMIT 1")["totalSize"])
# Issue 17: describe's childRelationships, collections retrieve by POST, upsert,
# composite/tree, record counts, JWT (simple-salesforce signs aud login. or test.),
# refresh token.
import os
assert any(c["relationshipName"] == "Contacts" for c in sf.Account.describe()["childRelationships"])
ids = [r["Id"] for r in sf.query("SELECT Id FROM Contact ORDER BY Id LIMIT 2")["records"]]
got = sf.restful("composite/sobjects/Contact", method="POST", data=json.dumps({"ids": ids, "fields": ["Id", "LastName"]}))
assert [g["Id"] for g in got] == ids, got
print("collections retrieve", len(got))
print("upsert insert", sf.Account.upsert("AccountNumber/CI-PY-1", {"Name": "Upsert Py"}))
print("upsert update", sf.Account.upsert("AccountNumber/CI-PY-1", {"Name": "Upsert Py 2"}))
tree = sf.restful("composite/tree/Account", method="POST", data=json.dumps({"records": [
    {"attributes": {"type": "Account", "referenceId": "a1"}, "Name": "Tree Py",
     "Contacts": {"records": [{"attributes": {"type": "Contact", "referenceId": "c1"}, "LastName": "Leaf"}]}}]}))
assert tree["hasErrors"] is False, tree
print("tree", len(tree["results"]))
print("recordCount", sf.restful("limits/recordCount", params={"sObjects": "Account"}))
key = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "jwt-demo-key.pem")
for domain in ("login", "test"):
    # simple-salesforce signs aud=https://{domain}.salesforce.com and posts to
    # https://{instance_url}.salesforce.com/services/oauth2/token: the fragment
    # trick points the post here, the audience stays Salesforce's.
    jwt_sf = Salesforce(username=info["username"], consumer_key=info["client_id"], privatekey_file=key,
                        instance_url=host + "/services/oauth2/token#", domain=domain, version="60.0")
    print("jwt", domain, jwt_sf.query("SELECT Id FROM Organization")["totalSize"])
ref = requests.post(info["login_url"] + "/services/oauth2/token", data={
    "grant_type": "refresh_token", "client_id": info["client_id"],
    "refresh_token": "5Aep861crmctlDEMOrefreshToken.emulator.demo"}).json()
sf3 = Salesforce(instance_url=ref["instance_url"], session_id=ref["access_token"], version="60.0")
print("refresh token", sf3.query("SELECT Id FROM Organization")["totalSize"])
print("ok")
