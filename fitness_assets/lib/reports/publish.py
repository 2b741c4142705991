"""Idempotent S3 publishing: one key per file, its sha256 in the object metadata, no upload
when the object already holds the same bytes."""

from __future__ import annotations

import hashlib
import mimetypes

from botocore.exceptions import ClientError

CONTENT_TYPES = {".md": "text/markdown; charset=utf-8", ".json": "application/json", ".png": "image/png"}


def publish(client, bucket: str, key: str, data: bytes) -> bool:
    """Upload unless unchanged; True when an upload happened."""
    digest = hashlib.sha256(data).hexdigest()
    try:
        head = client.head_object(Bucket=bucket, Key=key)
        if head.get("Metadata", {}).get("sha256") == digest:
            return False
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") not in ("404", "NoSuchKey", "NotFound"):
            raise
    suffix = "." + key.rsplit(".", 1)[-1] if "." in key else ""
    content_type = CONTENT_TYPES.get(suffix) or mimetypes.guess_type(key)[0] or "application/octet-stream"
    client.put_object(Bucket=bucket, Key=key, Body=data, ContentType=content_type, Metadata={"sha256": digest})
    return True


def week_key(prefix: str, athlete_id: str, week: str, file_name: str) -> str:
    """<prefix>/<athlete>/<week>/<file>: every file of one week under one week-keyed prefix."""
    return "/".join(part.strip("/") for part in (prefix, athlete_id, week, file_name) if part.strip("/"))
