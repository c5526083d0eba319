"""The interview text aligned to the audio (issue 18): where each sub-head,
paragraph and sentence of the episode's text is spoken.

The method is the one aeneas made known: the text is spoken by a speech
synthesizer (espeak-ng), both voices are turned into spectral features
(MFCCs), and each sentence of the synthetic speech is looked for in the
episode's audio by subsequence dynamic time warping. Each sentence is found
on its own, so sentences dropped from the text, sentences the text has but
the audio lacks, and reordered highlights all leave the rest in place; a
chain in the text's order then keeps only placements that agree with their
neighbours (matcher.py). Words missing from any dictionary cost nothing
extra: the synthesizer speaks every word by its letter-to-sound rules.

Only this package's `units` and `results` modules are plain Python; the
rest needs numpy (the `feedtool[align]` extra), espeak-ng and ffmpeg, and is
imported inside functions, so a build without `align = true` never loads it.
"""
