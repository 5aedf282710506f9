"""Quality measurement: replay of the queue on labelled sets."""
