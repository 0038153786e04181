// input_stream: implementation lands with the io work.
