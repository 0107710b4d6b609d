"""Common, harmless French words (no accents, so any keyboard types them) to suggest passphrases."""

from __future__ import annotations

_TEXT = """
    abeille abricot acier admirer adresse affiche agenda agneau aigle aimant album allumer alpage
    ambre amande ananas ancre anneau antenne apporter aquarium arbre arche argile armoire arrosoir
    artiste asperge atelier atlas aube auberge aurore autobus automne avion avocat avoine badge
    bagage baguette baleine balcon ballon bambou banane banquise barque bassin bateau bazar bercail
    berger betterave biscuit bison blason bleuet bobine bocal bonnet bordure bosquet bouclier bougie
    boulanger bouquet boussole bouton branche brioche brocoli brouette brume bruyere buisson bureau
    cabane cactus cadran cahier caillou calcul camion campagne canard canoe capitaine caramel
    carnet carotte carrosse cartable cascade casquette castor cerise chaland chameau champ chanson
    chapeau chardon chariot chateau chaton chemin cheminee chenille cheval chevre cigale cinema
    citron citrouille clairiere clarinette clocher coccinelle coffre colibri colline comete compas
    concert copain coquille corbeau cordon cornichon costume coton couleur coussin crayon crepe
    cristal crochet cuisine cygne dauphin decor dentelle desert dessin domino dragon drapeau dune
    echarpe ecureuil eglantier elan emeraude encre enclume epice escalier escargot etoile eventail
    falaise fanfare farine fauteuil fenouil fermier festin feuille ficelle figue flamant flocon
    flute fontaine forge fougere fourmi fraise framboise fromage fusee galet gardien gateau gazelle
    geranium girafe glacier gland globe gondole goyave grenier grenouille griffon grillon guitare
    hamac hamster harpe herisson hibou hirondelle horloge houblon igloo ilot image indigo jardin
    jasmin jonquille journal jument kayak kiwi lagune lampion lanterne lapin lavande legume lentille
    levain lezard libellule licorne lilas limace lingot litchi livre loutre lumiere luciole lutin
    macaron magnolia maison mandarine manege mangue marelle marmotte marron matelas melodie melon
    mesange meteore meunier miel mimosa miroir moineau moulin mouette mouton muguet muraille musique
    myrtille nacelle navet navire neige noisette nuage ocean olive ombrelle orange orchidee oreiller
    origami ortie ourson outil pagaie paille panier papillon parapluie passerelle pastel pelouse
    pendule peniche perle persil phare piano pigeon pinceau pivoine placard planete plume poivron
    pomme pompon potager poterie poulain prairie prune puzzle pyramide quartz radis raisin rameau
    raquette rayon recolte renard requin riviere robot roseau rouleau ruban ruche sablier sabot
    safran salade sapin sardine satellite saule sauterelle savon sentier serpent sifflet sirop
    skieur soupape sourire squelette station sucre sureau tambour tapis tartine taupe theiere tigre
    tilleul tipi tomate tonneau tortue toupie tournesol tracteur traineau trefle tresor tricot
    trompette tulipe tunnel turquoise valise vanille velours verger vernis violon voilier volcan
    wagon yaourt zebre zeste
"""
WORDS: tuple[str, ...] = tuple(_TEXT.split())
