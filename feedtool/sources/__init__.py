"""Reading a show's episodes: discovery, guarded decoding, audio, texts, captions and chapters."""
