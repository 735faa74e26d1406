"""One module per delivery format. Each turns a landing file into `ParsedFile` (rows per bronze
table plus rejects); none of them writes to the lake."""
