#!/usr/bin/env python3
"""The sequential reference client of benchmark 1: what the Yubico sample's first step
does, one request at a time. Signs in (client credentials), lists the group's users
(untimed, as the sample reads them from its input), then per user GETs its creation
options and waits for the answer before the next one. It honours Retry-After on a 429.

Usage: sequential.py SIM_URL SECRET  ->  one JSON line {users, secs}"""

import http.client
import json
import sys
import time
import urllib.parse

TENANT = "contoso.onmicrosoft.com"
CLIENT_ID = "00000000-0000-4000-8000-00000000c11d"
GROUP = "FIDO Provisioning"


def main(url, secret):
    parsed = urllib.parse.urlparse(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)

    def call(method, path, body=None, headers=None):
        while True:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read()
            if resp.status == 429:
                time.sleep(float(resp.getheader("Retry-After", "1")))
                continue
            if resp.status >= 400:
                raise RuntimeError(f"{method} {path}: {resp.status} {data[:200]!r}")
            return json.loads(data)

    form = urllib.parse.urlencode({
        "grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": secret,
        "scope": url + "/.default"})
    token = call("POST", f"/{TENANT}/oauth2/v2.0/token", form,
                 {"Content-Type": "application/x-www-form-urlencoded"})["access_token"]
    auth = {"Authorization": "Bearer " + token}
    flt = urllib.parse.quote(f"displayName eq '{GROUP}'")
    group = call("GET", f"/v1.0/groups?$filter={flt}", headers=auth)["value"][0]["id"]
    path = (f"/v1.0/groups/{group}/transitiveMembers/microsoft.graph.user"
            "?$select=id,userPrincipalName&$top=999")
    users = []
    while path:
        page = call("GET", path, headers=auth)
        users += [u["id"] for u in page["value"]]
        nxt = page.get("@odata.nextLink")
        path = urllib.parse.urlparse(nxt)._replace(scheme="", netloc="").geturl() if nxt else None
    started = time.monotonic()
    for user in users:
        call("GET", f"/v1.0/users/{user}/authentication/fido2Methods/creationOptions",
             headers=auth)
    print(json.dumps({"users": len(users), "secs": time.monotonic() - started}))


if __name__ == "__main__":
    main(*sys.argv[1:3])
