// load: implementation lands with the io work.
