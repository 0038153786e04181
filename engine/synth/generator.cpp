// generator: lands with the synth work.
