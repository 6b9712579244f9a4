// Placeholder entry point; the IMDb fine-tuning sample is built on top of the library layers.
return 0;
