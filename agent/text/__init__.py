"""Rules on Chinese text that every wing shares: figures and masks, citation keys, numerals and sentences,
encodings, sensitive marks and personal data, the user's facts file, 公文 docx. Imports no other wing."""
