// edge_list_reader: implementation lands with the io work.
