#!/bin/sh
# run_openapi.sh REPO — every golden OpenAPI document (tests/codegen/good/*/)
# is valid OpenAPI 3.1 by python3's openapi-spec-validator; skipped (77)
# when that module is not installed.
set -u
repo=$1
python3 -c 'import openapi_spec_validator' 2>/dev/null || {
    echo "openapi-spec-validator not installed: skipped"; exit 77; }
status=0
for f in "$repo"/tests/codegen/good/*/*.openapi.json; do
    python3 - "$f" <<'PY' || status=1
import json, sys
from openapi_spec_validator import validate
path = sys.argv[1]
try:
    validate(json.load(open(path)))
except Exception as e:  # noqa: BLE001 - report any failure with the file
    print("FAIL: %s: %s" % (path, str(e).splitlines()[0]))
    sys.exit(1)
PY
done
[ $status -eq 0 ] && echo ok
exit $status
