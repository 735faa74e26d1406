"""SMS digests for farmers: DLT templates per language, segment counting, batch composition, the outbox and the sender."""
