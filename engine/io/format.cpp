// format: implementation lands with the io work.
