// eval: lands with the synth work.
