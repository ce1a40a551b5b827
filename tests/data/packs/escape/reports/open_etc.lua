-- opens /etc as a corpus, by a relative path out of the corpus
print(quarry.open("corpus/../../../../../../../../etc"))
