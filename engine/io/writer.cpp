// writer: implementation lands with the io work.
