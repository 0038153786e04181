// timestamp: implementation lands with the io work.
