"""Peak memory of the register export, measured in a process of its own.

A long-lived process that has just built 100,000 rows keeps the memory it freed and reuses it, so
its resident set barely grows during the export whatever the export needs. A new process, warmed
up by one empty export (imports, templates, translations), grows by what the export really holds.
Run by bench/figures/spreadsheets.py with the harness's environment (database, settings).
"""

import json
import sys


def main(username, url):
    import django

    django.setup()
    from bench.figures import common, memory
    from qms.core.models import User

    client = common.client_for(User.objects.get(username=username))

    def export(query=""):
        response = client.get(url + query)
        if response.status_code != 200:
            raise RuntimeError(f"{url}{query} answered {response.status_code}")
        size = sum(len(chunk) for chunk in response.streaming_content)
        response.close()
        return size

    export("?q=no-such-record-in-the-bench")
    _seconds, peak, method = memory.measure(export)
    print(json.dumps({"peak_mib": peak, "method": method}))


if __name__ == "__main__":
    main(*sys.argv[1:])
