-- loads /etc/passwd as abbreviations
quarry.segmenter():load_abbreviations("/etc/passwd")
