"""Asset deps from what the code declares it reads (each job's READS, next to the code that reads the
lake), so the graph cannot drift from the code; tests/test_transform.py runs each job and checks the
declaration against what it actually read."""

import dagster as dg


# lake tables whose asset is named for the work that writes them
ASSET_OF = {"ops.sms_outbox": ("delivery", "sms_outbox")}


def deps(*reads: tuple[str, ...]) -> list[dg.AssetKey]:
    """Asset keys of lake tables named `layer.table` (the catalogue's names): silver.app__farms -> silver/app__farms."""
    names = dict.fromkeys(n for r in reads for n in r)  # ordered, without repeats
    return [dg.AssetKey(list(ASSET_OF.get(n) or n.split(".", 1))) for n in names]
