"""Idempotent S3 publishing: one key per file, its sha256 in the object metadata, no upload
when the object already holds the same bytes."""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import Path

from botocore.exceptions import ClientError

from fitness_assets.lib.reports.charts import CHARTS

CONTENT_TYPES = {".md": "text/markdown; charset=utf-8", ".json": "application/json", ".svg": "image/svg+xml"}


# HeadObject answers without a body, so botocore's error code is the HTTP status.
MISSING = ("404", "NoSuchKey", "NotFound")
# Without s3:ListBucket, AWS answers HeadObject on a key that does not exist with 403 rather
# than 404 (it will not reveal whether the key exists); without s3:GetObject, with 403 always.
UNKNOWN = ("403", "Forbidden", "AccessDenied")


def publish(client, bucket: str, key: str, data: bytes) -> bool:
    """Upload unless unchanged; True when an upload happened.

    The unchanged check is a HeadObject reading the sha256 stored with the object. A 404 means
    the object is missing; a 403 means its state cannot be known with the role's permissions
    (no s3:ListBucket and the key is new, or no s3:GetObject): both upload. Any other error is
    raised. s3:PutObject alone therefore publishes, re-uploading every time.
    """
    digest = hashlib.sha256(data).hexdigest()
    try:
        head = client.head_object(Bucket=bucket, Key=key)
        if head.get("Metadata", {}).get("sha256") == digest:
            return False
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") not in MISSING + UNKNOWN:
            raise
    suffix = "." + key.rsplit(".", 1)[-1] if "." in key else ""
    content_type = CONTENT_TYPES.get(suffix) or mimetypes.guess_type(key)[0] or "application/octet-stream"
    client.put_object(Bucket=bucket, Key=key, Body=data, ContentType=content_type, Metadata={"sha256": digest})
    return True


def week_key(prefix: str, athlete_id: str, week: str, file_name: str) -> str:
    """<prefix>/<athlete>/<week>/<file>: every file of one week under one week-keyed prefix."""
    return "/".join(part.strip("/") for part in (prefix, athlete_id, week, file_name) if part.strip("/"))


def week_objects(payload_file: Path, report_folder: Path) -> dict[str, bytes]:
    """What one athlete-week publishes, by object name: the stored payload exactly as the report
    read it, the report, and whichever charts are drawn."""
    charts = [report_folder / name for name in CHARTS if (report_folder / name).exists()]
    return {"payload.json": payload_file.read_bytes(), "report.md": (report_folder / "report.md").read_bytes(),
            **{path.name: path.read_bytes() for path in charts}}
