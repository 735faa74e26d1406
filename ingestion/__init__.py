"""Landing -> bronze: parse each source's files as delivered, quarantine what breaks, account for every row."""
