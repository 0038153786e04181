// ndjson_reader: implementation lands with the io work.
