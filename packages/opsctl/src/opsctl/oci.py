"""The image digest of a single-platform OCI archive (what `docker buildx … --output type=oci`
writes): the digest of its one image manifest, which a registry keeps when the archive is pushed
unchanged (`skopeo copy --preserve-digests`)."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

from opsctl.errors import OpsError

_MANIFEST_TYPES = {
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
}


def image_digest(archive: Path) -> str:
    """``sha256:…`` of the archive's single image manifest."""
    try:
        with tarfile.open(archive) as tar:
            member = tar.extractfile("index.json")
            if member is None:
                raise OpsError(f"{archive} has no index.json (not an OCI archive)")
            index = json.load(member)
    except (OSError, tarfile.TarError, KeyError, ValueError) as exc:
        raise OpsError(f"{archive} is not a readable OCI archive: {exc}") from exc
    manifests = [m for m in index.get("manifests", []) if m.get("mediaType") in _MANIFEST_TYPES]
    if len(manifests) != 1:
        raise OpsError(
            f"{archive} holds {len(manifests)} image manifests; build one platform "
            "(linux/arm64) with --provenance=false"
        )
    digest = str(manifests[0].get("digest", ""))
    if not digest.startswith("sha256:") or len(digest) != 71:
        raise OpsError(f"{archive}: unexpected manifest digest {digest!r}")
    return digest
