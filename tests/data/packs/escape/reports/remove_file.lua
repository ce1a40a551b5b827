-- removes a file
os.remove("corpus/gazetteer.tsv")
