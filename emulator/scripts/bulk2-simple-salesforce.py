"""simple-salesforce's bulk2 (Bulk API 2.0) against the emulator (run by bulk2-smoke.sh)."""
import csv
import io
import json
import os
import sys
import tempfile

import requests
from simple_salesforce import Salesforce

info = json.load(open(sys.argv[1]))["data"]
tok = requests.post(info["login_url"] + "/services/oauth2/token", data={
    "grant_type": "password", "client_id": info["client_id"],
    "client_secret": info["client_secret"], "username": info["username"],
    "password": info["password"] + info["security_token"]}).json()
sf = Salesforce(instance_url=tok["instance_url"], session_id=tok["access_token"], version="60.0")

with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "leads.csv")
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("LastName,Company,Phone\nBulkLead,Bulk Co,+49 30 8120003\n")
    res = sf.bulk2.Lead.insert(path, wait=1)
    # A list of per-chunk results in simple-salesforce 1.12.5 and later, a dict before.
    res = res[0] if isinstance(res, list) else res
    assert res["numberRecordsProcessed"] == 1 and res["numberRecordsFailed"] == 0, res
    ok = list(csv.DictReader(io.StringIO(sf.bulk2.Lead.get_successful_records(res["job_id"]))))
    assert ok[0]["sf__Created"] == "true", ok
    print("bulk2 ingest ok", ok[0]["sf__Id"])

rows = 0
for chunk in sf.bulk2.Lead.query("SELECT Id, Phone FROM Lead", max_records=100, wait=1):
    rows += len(list(csv.DictReader(io.StringIO(chunk))))
total = sf.query("SELECT COUNT() FROM Lead")["totalSize"]
assert rows == total, (rows, total)
print("bulk2 query ok", rows)
print("ok")
