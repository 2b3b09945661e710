<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>ColorMap</name>
    <message>
        <source>Viridis</source>
        <translation>Viridis</translation>
    </message>
    <message>
        <source>Diverging (blue–red)</source>
        <translation>Divergente (bleu–rouge)</translation>
    </message>
    <message>
        <source>Grey</source>
        <translation>Niveaux de gris</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>There is no reconstruction to export yet</source>
        <translation>Il n’y a encore aucune reconstruction à exporter</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>X-ray near-field phase retrieval</source>
        <translation>Reconstruction de phase en champ proche des rayons X</translation>
    </message>
    <message>
        <source>Hologram to open (TIFF)</source>
        <translation>Hologramme à ouvrir (TIFF)</translation>
    </message>
    <message>
        <source>Interface language (en, fr)</source>
        <translation>Langue de l’interface (en, fr)</translation>
    </message>
</context>
<context>
    <name>phaselab::widgets::AutofocusDialog</name>
    <message>
        <source>Smallest distance</source>
        <translation>Plus petite distance</translation>
    </message>
    <message>
        <source>Largest distance</source>
        <translation>Plus grande distance</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>&amp;Lancer</translation>
    </message>
    <message>
        <source>&amp;Cancel scan</source>
        <translation>&amp;Annuler le balayage</translation>
    </message>
    <message>
        <source>&amp;Use this distance</source>
        <translation>&amp;Utiliser cette distance</translation>
    </message>
    <message>
        <source>Autofocus: find the distance</source>
        <translation>Mise au point automatique : trouver la distance</translation>
    </message>
    <message>
        <source>Smallest distance scanned (default: the current distance − 20 %)</source>
        <translation>Plus petite distance balayée (par défaut : la distance actuelle − 20 %)</translation>
    </message>
    <message>
        <source>Largest distance scanned (default: the current distance + 20 %)</source>
        <translation>Plus grande distance balayée (par défaut : la distance actuelle + 20 %)</translation>
    </message>
    <message>
        <source>Distances scanned (log-spaced); the best one is then refined</source>
        <translation>Distances balayées (espacement logarithmique) ; la meilleure est ensuite affinée</translation>
    </message>
    <message>
        <source>Distance [mm]</source>
        <translation>Distance [mm]</translation>
    </message>
    <message>
        <source>Criterion (lower is better)</source>
        <translation>Critère (plus bas = meilleur)</translation>
    </message>
    <message>
        <source>criterion</source>
        <translation>critère</translation>
    </message>
    <message>
        <source>optimum</source>
        <translation>optimum</translation>
    </message>
    <message>
        <source>From:</source>
        <translation>De :</translation>
    </message>
    <message>
        <source>To:</source>
        <translation>À :</translation>
    </message>
    <message>
        <source>Samples:</source>
        <translation>Échantillons :</translation>
    </message>
    <message>
        <source>Autofocus failed: %1</source>
        <translation>Échec de la mise au point automatique : %1</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Annulé.</translation>
    </message>
    <message>
        <source>Open a hologram first.</source>
        <translation>Ouvrez d’abord un hologramme.</translation>
    </message>
    <message>
        <source>The range is invalid: the smallest distance must be below the largest.</source>
        <translation>L’intervalle est invalide : la plus petite distance doit être inférieure à la plus grande.</translation>
    </message>
    <message>
        <source>Scanning…</source>
        <translation>Balayage…</translation>
    </message>
    <message>
        <source>Best distance %1 (Fresnel number %2), criterion %3.</source>
        <translation>Meilleure distance %1 (nombre de Fresnel %2), critère %3.</translation>
    </message>
    <message>
        <source>Power spectrum (weak objects, fast)</source>
        <translation>Spectre de puissance (objets faibles, rapide)</translation>
    </message>
    <message>
        <source>Data residual of a few IRGN steps (strong phase, slower)</source>
        <translation>Résidu des données après quelques pas d’IRGN (phase forte, plus lent)</translation>
    </message>
    <message>
        <source>Spectrum: fits the CTF&apos;s rings to the hologram&apos;s power spectrum; strong phase moves the rings. Residual: reconstructs at each distance and keeps the one whose model fits the hologram best; about 1 % on strong phase, fails at Fresnel numbers below about 0.01</source>
        <translation>Spectre : ajuste les anneaux de la CTF au spectre de puissance de l’hologramme ; une phase forte déplace les anneaux. Résidu : reconstruit à chaque distance et garde celle dont le modèle reproduit le mieux l’hologramme ; environ 1 % sur une phase forte, échoue aux nombres de Fresnel inférieurs à environ 0,01</translation>
    </message>
    <message>
        <source>Scan a focus criterion over the range.</source>
        <translation>Balayer un critère de mise au point sur l’intervalle.</translation>
    </message>
    <message>
        <source>Criterion:</source>
        <translation>Critère :</translation>
    </message>
</context>
<context>
    <name>phaselab::widgets::CompareView</name>
    <message>
        <source>Run all</source>
        <translation>Tout lancer</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Export table…</source>
        <translation>Exporter le tableau…</translation>
    </message>
    <message>
        <source>Time (s)</source>
        <translation>Temps (s)</translation>
    </message>
    <message>
        <source>B NMSE (%)</source>
        <translation>B NMSE (%)</translation>
    </message>
    <message>
        <source>B FRCM (%)</source>
        <translation>B FRCM (%)</translation>
    </message>
    <message>
        <source>B resolution (nm)</source>
        <translation>B résolution (nm)</translation>
    </message>
    <message>
        <source>φ NMSE (%)</source>
        <translation>φ NMSE (%)</translation>
    </message>
    <message>
        <source>φ FRCM (%)</source>
        <translation>φ FRCM (%)</translation>
    </message>
    <message>
        <source>φ resolution (nm)</source>
        <translation>φ résolution (nm)</translation>
    </message>
    <message>
        <source>spatial frequency [1/µm]</source>
        <translation>fréquence spatiale [1/µm]</translation>
    </message>
    <message>
        <source>phase FRC</source>
        <translation>FRC de la phase</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Annulé</translation>
    </message>
    <message>
        <source>Methods</source>
        <translation>Méthodes</translation>
    </message>
    <message>
        <source>Load a hologram first</source>
        <translation>Chargez d&apos;abord un hologramme</translation>
    </message>
    <message>
        <source>Check at least one method</source>
        <translation>Cochez au moins une méthode</translation>
    </message>
    <message>
        <source>A comparison is running</source>
        <translation>Une comparaison est en cours</translation>
    </message>
    <message>
        <source>%1 methods compared</source>
        <translation>%1 méthodes comparées</translation>
    </message>
    <message>
        <source>%1: failed</source>
        <translation>%1 : échec</translation>
    </message>
    <message>
        <source>%1 — %2 s</source>
        <translation>%1 — %2 s</translation>
    </message>
    <message>
        <source>%1: phase φ</source>
        <translation>%1 : phase φ</translation>
    </message>
    <message>
        <source>%1: absorption B</source>
        <translation>%1 : absorption B</translation>
    </message>
    <message>
        <source>No table to export: load a reference and run the methods</source>
        <translation>Aucun tableau à exporter : chargez une référence et lancez les méthodes</translation>
    </message>
    <message>
        <source>Export the table</source>
        <translation>Exporter le tableau</translation>
    </message>
    <message>
        <source>CSV (*.csv);;Markdown (*.md)</source>
        <translation>CSV (*.csv);;Markdown (*.md)</translation>
    </message>
    <message>
        <source>Table written to %1</source>
        <translation>Tableau écrit dans %1</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exporter</translation>
    </message>
    <message>
        <source>phase φ</source>
        <translation>phase φ</translation>
    </message>
    <message>
        <source>absorption B</source>
        <translation>absorption B</translation>
    </message>
</context>
<context>
    <name>phaselab::widgets::CtfForm</name>
    <message>
        <source>α below the first CTF maximum</source>
        <translation>α en dessous du premier maximum de la CTF</translation>
    </message>
    <message>
        <source>α above the first CTF maximum</source>
        <translation>α au-dessus du premier maximum de la CTF</translation>
    </message>
    <message>
        <source>CTF: </source>
        <translation>CTF : </translation>
    </message>
    <message>
        <source>Fade into the flat field</source>
        <translation>Fondu vers le champ plat</translation>
    </message>
    <message>
        <source>Padding mode of the physics</source>
        <translation>Mode de remplissage de la physique</translation>
    </message>
    <message>
        <source>Border:</source>
        <translation>Bords :</translation>
    </message>
    <message>
        <source>Fix α low and α high at the chosen values (manual rule), to edit them from there</source>
        <translation>Fixer α bas et α haut aux valeurs choisies (règle manuelle), pour les modifier à partir de là</translation>
    </message>
    <message>
        <source>Chosen:</source>
        <translation>Choisi :</translation>
    </message>
    <message>
        <source>Use this α</source>
        <translation>Utiliser cet α</translation>
    </message>
</context>
<context>
    <name>phaselab::widgets::DataPanel</name>
    <message>
        <source>E = %1 keV, D = %2, Δx = %3</source>
        <translation>E = %1 keV, D = %2, Δx = %3</translation>
    </message>
    <message>
        <source>Unpaired training split (PhaseGAN)</source>
        <translation>Partie d&apos;entraînement non appariée (PhaseGAN)</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>Générer</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>DGN (ellipsoids and paraboloids of Au, Pd, Zn)</source>
        <translation>DGN (ellipsoïdes et paraboloïdes en Au, Pd, Zn)</translation>
    </message>
    <message>
        <source>PhaseGAN (rectangles and circles, Poisson noise)</source>
        <translation>PhaseGAN (rectangles et cercles, bruit de Poisson)</translation>
    </message>
    <message>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <source> dB</source>
        <translation> dB</translation>
    </message>
    <message>
        <source>data set to write (.h5)</source>
        <translation>jeu de données à écrire (.h5)</translation>
    </message>
    <message>
        <source>…</source>
        <translation>…</translation>
    </message>
    <message>
        <source>to</source>
        <translation>à</translation>
    </message>
    <message>
        <source>Generate a simulated set</source>
        <translation>Générer un jeu simulé</translation>
    </message>
    <message>
        <source>Protocol</source>
        <translation>Protocole</translation>
    </message>
    <message>
        <source>Physics</source>
        <translation>Physique</translation>
    </message>
    <message>
        <source>Image size</source>
        <translation>Taille d&apos;image</translation>
    </message>
    <message>
        <source>Samples</source>
        <translation>Échantillons</translation>
    </message>
    <message>
        <source>Noise (PPSNR)</source>
        <translation>Bruit (PPSNR)</translation>
    </message>
    <message>
        <source>Photons per frame</source>
        <translation>Photons par image</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>Graine</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Fichier</translation>
    </message>
    <message>
        <source>Open a data set…</source>
        <translation>Ouvrir un jeu de données…</translation>
    </message>
    <message>
        <source>Data set</source>
        <translation>Jeu de données</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>annulé</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>échec</translation>
    </message>
    <message>
        <source>Choose the file to write</source>
        <translation>Choisissez le fichier à écrire</translation>
    </message>
    <message>
        <source>%1 samples in %2 s</source>
        <translation>%1 échantillons en %2 s</translation>
    </message>
    <message>
        <source>A data set is being generated</source>
        <translation>Un jeu de données est en cours de génération</translation>
    </message>
    <message>
        <source>%1 × %2 px, protocol %3, seed %4</source>
        <translation>%1 × %2 px, protocole %3, graine %4</translation>
    </message>
    <message>
        <source>, padding %1</source>
        <translation>, bords %1</translation>
    </message>
    <message>
        <source>No physics attributes (energy_keV, distance_m, pixel_size_m)</source>
        <translation>Pas d&apos;attributs physiques (energy_keV, distance_m, pixel_size_m)</translation>
    </message>
    <message>
        <source>%1: %2 samples%3</source>
        <translation>%1 : %2 échantillons%3</translation>
    </message>
    <message>
        <source> (unpaired)</source>
        <translation> (non appariés)</translation>
    </message>
    <message>
        <source>hologram</source>
        <translation>hologramme</translation>
    </message>
    <message>
        <source>phase</source>
        <translation>phase</translation>
    </message>
    <message>
        <source>Data set to write</source>
        <translation>Jeu de données à écrire</translation>
    </message>
    <message>
        <source>HDF5 data sets (*.h5)</source>
        <translation>Jeux de données HDF5 (*.h5)</translation>
    </message>
    <message>
        <source>Open a data set</source>
        <translation>Ouvrir un jeu de données</translation>
    </message>
    <message>
        <source>HDF5 data sets (*.h5 *.hdf5)</source>
        <translation>Jeux de données HDF5 (*.h5 *.hdf5)</translation>
    </message>
    <message>
        <source>Solids of the window&apos;s sample only (%1)</source>
        <translation>Solides du seul échantillon de la fenêtre (%1)</translation>
    </message>
    <message>
        <source>Solids of the window&apos;s sample only (choose Au, Pd or Zn as the sample)</source>
        <translation>Solides du seul échantillon de la fenêtre (choisissez Au, Pd ou Zn comme échantillon)</translation>
    </message>
</context>
<context>
    <name>phaselab::widgets::DgnTrainForm</name>
    <message>
        <source>Iterations N</source>
        <translation>Itérations N</translation>
    </message>
    <message>
        <source>Widths</source>
        <translation>Largeurs</translation>
    </message>
    <message>
        <source>Unrolled Gauss–Newton iterations sharing one block</source>
        <translation>Itérations de Gauss–Newton déroulées partageant un même bloc</translation>
    </message>
    <message>
        <source>Channels after the first convolution</source>
        <translation>Canaux après la première convolution</translation>
    </message>
    <message>
        <source>Channels after the second convolution</source>
        <translation>Canaux après la seconde convolution</translation>
    </message>
    <message>
        <source>Hessian input F′*F′g (Eq. 4)</source>
        <translation>Entrée hessienne F′*F′g (éq. 4)</translation>
    </message>
    <message>
        <source>Divide each channel&apos;s squared error by its mean square over the training set, so absorption (10–100× smaller than phase) is learned as well; off: the paper&apos;s plain MSE</source>
        <translation>Diviser l&apos;erreur quadratique de chaque canal par son carré moyen sur l&apos;ensemble d&apos;entraînement, afin que l&apos;absorption (10 à 100 fois plus petite que la phase) soit aussi apprise ; désactivé : l&apos;erreur quadratique moyenne simple de l&apos;article</translation>
    </message>
    <message>
        <source>Balanced loss (absorption weighs as phase)</source>
        <translation>Perte équilibrée (l&apos;absorption pèse autant que la phase)</translation>
    </message>
    <message>
        <source>Auto</source>
        <translation>Automatique</translation>
    </message>
    <message>
        <source>float32</source>
        <translation>float32</translation>
    </message>
    <message>
        <source>bfloat16 (mixed)</source>
        <translation>bfloat16 (mixte)</translation>
    </message>
    <message>
        <source>Arithmetic of the convolutions while training. bfloat16: inputs and weights rounded to bfloat16 with float32 accumulation, weights, optimiser and loss, about 1.5× faster on CPUs with AVX512_BF16. Auto: bfloat16 where the CPU has it. Validation always runs in float32.</source>
        <translation>Arithmétique des convolutions pendant l’entraînement. bfloat16 : entrées et poids arrondis en bfloat16, accumulation, poids, optimiseur et perte en float32, environ 1,5× plus rapide sur les processeurs dotés d’AVX512_BF16. Automatique : bfloat16 là où le processeur le permet. La validation se fait toujours en float32.</translation>
    </message>
    <message>
        <source>Convolutions</source>
        <translation>Convolutions</translation>
    </message>
</context>
<context>
    <name>phaselab::widgets::DisplayPanel</name>
    <message>
        <source>Percentiles</source>
        <translation>Centiles</translation>
    </message>
    <message>
        <source>Minimum – maximum</source>
        <translation>Minimum – maximum</translation>
    </message>
    <message>
        <source>Symmetric about zero</source>
        <translation>Symétrique autour de zéro</translation>
    </message>
    <message>
        <source>Manual</source>
        <translation>Manuel</translation>
    </message>
    <message>
        <source>Colour map:</source>
        <translation>Palette :</translation>
    </message>
    <message>
        <source>Contrast:</source>
        <translation>Contraste :</translation>
    </message>
    <message>
        <source>Low percentile:</source>
        <translation>Centile bas :</translation>
    </message>
    <message>
        <source>High percentile:</source>
        <translation>Centile haut :</translation>
    </message>
    <message>
        <source>Low value:</source>
        <translation>Valeur basse :</translation>
    </message>
    <message>
        <source>High value:</source>
        <translation>Valeur haute :</translation>
    </message>
    <message>
        <source>value</source>
        <translation>valeur</translation>
    </message>
    <message>
        <source>pixels</source>
        <translation>pixels</translation>
    </message>
</context>
<context>
    <name>phaselab::widgets::GenericForm</name>
    <message>
        <source>This method has no options.</source>
        <translation>Cette méthode n’a pas d’options.</translation>
    </message>
</context>
<context>
    <name>phaselab::widgets::ImageView</name>
    <message>
        <source>No image</source>
        <translation>Aucune image</translation>
    </message>
</context>
<context>
    <name>phaselab::widgets::ImageWorkspace</name>
    <message>
        <source>Hologram</source>
        <translation>Hologramme</translation>
    </message>
    <message>
        <source>Phase</source>
        <translation>Phase</translation>
    </message>
    <message>
        <source>Absorption</source>
        <translation>Absorption</translation>
    </message>
    <message>
        <source>Residual</source>
        <translation>Résidu</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>Référence</translation>
    </message>
</context>
<context>
    <name>phaselab::widgets::InputController</name>
    <message>
        <source>demo hologram</source>
        <translation>hologramme de démonstration</translation>
    </message>
    <message>
        <source> [frame %1]</source>
        <translation> [image %1]</translation>
    </message>
    <message>
        <source>Simulating the demo hologram…</source>
        <translation>Simulation de l’hologramme de démonstration…</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>Chargement de %1…</translation>
    </message>
</context>
<context>
    <name>phaselab::widgets::InputProblemBar</name>
    <message>
        <source>Normalise (divide by the mean)</source>
        <translation>Normaliser (diviser par la moyenne)</translation>
    </message>
    <message>
        <source>Divide the hologram by its mean, so that its background is about 1; sessions and result files record it</source>
        <translation>Diviser l’hologramme par sa moyenne, pour que son fond vaille environ 1 ; les sessions et les fichiers de résultat l’enregistrent</translation>
    </message>
</context>
<context>
    <name>phaselab::widgets::IrgnForm</name>
    <message>
        <source>Homogeneous (sample δ/β)</source>
        <translation>Homogène (δ/β de l’échantillon)</translation>
    </message>
    <message>
        <source>Joint absorption and phase</source>
        <translation>Absorption et phase conjointes</translation>
    </message>
    <message>
        <source>α_0 of the first Newton step</source>
        <translation>α_0 de la première itération de Newton</translation>
    </message>
    <message>
        <source>α_k = α_0 q^k, 0 &lt; q &lt; 1</source>
        <translation>α_k = α_0 q^k, 0 &lt; q &lt; 1</translation>
    </message>
    <message>
        <source>Tikhonov</source>
        <translation>Tikhonov</translation>
    </message>
    <message>
        <source>Sobolev</source>
        <translation>Sobolev</translation>
    </message>
    <message>
        <source>s of the Sobolev weight (1 + |ξ|²/s²)^m [cycles/pixel]</source>
        <translation>s du poids de Sobolev (1 + |ξ|²/s²)^m [cycles/pixel]</translation>
    </message>
    <message>
        <source>m of the Sobolev weight</source>
        <translation>m du poids de Sobolev</translation>
    </message>
    <message>
        <source>Zero</source>
        <translation>Zéro</translation>
    </message>
    <message>
        <source>CTF</source>
        <translation>CTF</translation>
    </message>
    <message>
        <source>Noise standard deviation of the hologram; stop when the RMS residual reaches τ times it (0: off)</source>
        <translation>Écart-type du bruit de l’hologramme ; arrêt quand le résidu RMS atteint τ fois cette valeur (0 : désactivé)</translation>
    </message>
    <message>
        <source>Discrepancy factor τ ≥ 1</source>
        <translation>Facteur d’écart τ ≥ 1</translation>
    </message>
    <message>
        <source>Unknowns:</source>
        <translation>Inconnues :</translation>
    </message>
    <message>
        <source>α_0:</source>
        <translation>α_0 :</translation>
    </message>
    <message>
        <source>q:</source>
        <translation>q :</translation>
    </message>
    <message>
        <source>Newton steps:</source>
        <translation>Itérations de Newton :</translation>
    </message>
    <message>
        <source>CG iterations:</source>
        <translation>Itérations GC :</translation>
    </message>
    <message>
        <source>Penalty:</source>
        <translation>Pénalisation :</translation>
    </message>
    <message>
        <source>Sobolev scale s:</source>
        <translation>Échelle de Sobolev s :</translation>
    </message>
    <message>
        <source>Sobolev order m:</source>
        <translation>Ordre de Sobolev m :</translation>
    </message>
    <message>
        <source>Start from:</source>
        <translation>Point de départ :</translation>
    </message>
    <message>
        <source>CTF start</source>
        <translation>Départ CTF</translation>
    </message>
    <message>
        <source>CTF start: α below the first CTF maximum</source>
        <translation>Départ CTF : α en dessous du premier maximum de la CTF</translation>
    </message>
    <message>
        <source>CTF start: α above the first CTF maximum</source>
        <translation>Départ CTF : α au-dessus du premier maximum de la CTF</translation>
    </message>
    <message>
        <source>Noise level (discrepancy stop):</source>
        <translation>Niveau de bruit (arrêt par principe d’écart) :</translation>
    </message>
    <message>
        <source>τ:</source>
        <translation>τ :</translation>
    </message>
    <message>
        <source>IRGN: </source>
        <translation>IRGN : </translation>
    </message>
    <message>
        <source>α_0</source>
        <translation>α_0</translation>
    </message>
    <message>
        <source>q</source>
        <translation>q</translation>
    </message>
    <message>
        <source>the Sobolev scale</source>
        <translation>l’échelle de Sobolev</translation>
    </message>
    <message>
        <source>the Sobolev order</source>
        <translation>l’ordre de Sobolev</translation>
    </message>
    <message>
        <source>the noise level</source>
        <translation>le niveau de bruit</translation>
    </message>
    <message>
        <source>τ</source>
        <translation>τ</translation>
    </message>
    <message>
        <source>IRGN, CTF start: </source>
        <translation>IRGN, départ CTF : </translation>
    </message>
    <message>
        <source>Keep B, φ ≥ 0</source>
        <translation>Maintenir B, φ ≥ 0</translation>
    </message>
    <message>
        <source>Paganin (needs δ/β)</source>
        <translation>Paganin (nécessite δ/β)</translation>
    </message>
    <message>
        <source>Auto (CTF, Paganin or RAAR, whichever fits the data better)</source>
        <translation>Auto (CTF, Paganin ou RAAR, celui qui reproduit le mieux les données)</translation>
    </message>
    <message>
        <source>RAAR (strong phase, small Fresnel numbers)</source>
        <translation>RAAR (phase forte, petits nombres de Fresnel)</translation>
    </message>
</context>
<context>
    <name>phaselab::widgets::JobRunner</name>
    <message>
        <source>Out of memory</source>
        <translation>Mémoire insuffisante</translation>
    </message>
    <message>
        <source>Unknown error</source>
        <translation>Erreur inconnue</translation>
    </message>
</context>
<context>
    <name>phaselab::widgets::LabWindow</name>
    <message>
        <source>PhaseLab</source>
        <translation>PhaseLab</translation>
    </message>
    <message>
        <source>PhaseLab — Lab</source>
        <translation>PhaseLab — Labo</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>Données</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Entraînement</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>Modèles</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>Comparer</translation>
    </message>
    <message>
        <source>Model %1 loaded into the method panel</source>
        <translation>Modèle %1 chargé dans le panneau des méthodes</translation>
    </message>
    <message>
        <source>A training is running. Stop it and close? The checkpoint of its last finished epoch is kept, and Resume continues from it.</source>
        <translation>Un entraînement est en cours. L&apos;arrêter et fermer ? Le point de reprise de sa dernière époque terminée est conservé, et Reprendre repart de lui.</translation>
    </message>
</context>
<context>
    <name>phaselab::widgets::LearnedForm</name>
    <message>
        <source>model file (.pt)</source>
        <translation>fichier de modèle (.pt)</translation>
    </message>
    <message>
        <source>A model file written by phaselab-cli train</source>
        <translation>Un fichier de modèle écrit par phaselab-cli train</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Parcourir…</translation>
    </message>
    <message>
        <source>Model:</source>
        <translation>Modèle :</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>Périphérique de calcul :</translation>
    </message>
    <message>
        <source>Open a trained model</source>
        <translation>Ouvrir un modèle entraîné</translation>
    </message>
    <message>
        <source>PhaseLab models (*.pt);;All files (*)</source>
        <translation>Modèles PhaseLab (*.pt);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Automatic (GPU when present)</source>
        <translation>Automatique (GPU si disponible)</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>CUDA GPU</source>
        <translation>GPU CUDA</translation>
    </message>
    <message>
        <source>No model chosen.</source>
        <translation>Aucun modèle choisi.</translation>
    </message>
    <message>
        <source>%1 model, %2 parameters; trained at %3 keV, %4 mm, %5 nm pixels; best epoch %6, validation loss %7</source>
        <translation>modèle %1, %2 paramètres ; entraîné à %3 keV, %4 mm, pixels de %5 nm ; meilleure époque %6, perte de validation %7</translation>
    </message>
</context>
<context>
    <name>phaselab::widgets::LossPlot</name>
    <message>
        <source>loss</source>
        <translation>perte</translation>
    </message>
    <message>
        <source>training</source>
        <translation>entraînement</translation>
    </message>
    <message>
        <source>validation</source>
        <translation>validation</translation>
    </message>
    <message>
        <source>Epoch</source>
        <translation>Époque</translation>
    </message>
    <message>
        <source>Iteration</source>
        <translation>Itération</translation>
    </message>
    <message>
        <source>Log scale</source>
        <translation>Échelle log</translation>
    </message>
    <message>
        <source>x-axis</source>
        <translation>axe x</translation>
    </message>
    <message>
        <source>epoch</source>
        <translation>époque</translation>
    </message>
    <message>
        <source>iteration (batch)</source>
        <translation>itération (lot)</translation>
    </message>
</context>
<context>
    <name>phaselab::widgets::MainWindow</name>
    <message>
        <source>PhaseLab</source>
        <translation>PhaseLab</translation>
    </message>
    <message>
        <source>Cannot open</source>
        <translation>Ouverture impossible</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>&amp;Ouvrir…</translation>
    </message>
    <message>
        <source>Open &amp;demo hologram</source>
        <translation>Ouvrir l’hologramme de &amp;démonstration</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Affichage</translation>
    </message>
    <message>
        <source>Zoom &amp;in</source>
        <translation>&amp;Agrandir</translation>
    </message>
    <message>
        <source>Zoom &amp;out</source>
        <translation>&amp;Réduire</translation>
    </message>
    <message>
        <source>&amp;Fit to window</source>
        <translation>A&amp;juster à la fenêtre</translation>
    </message>
    <message>
        <source>&amp;Actual size (1:1)</source>
        <translation>&amp;Taille réelle (1:1)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Aide</translation>
    </message>
    <message>
        <source>&amp;About PhaseLab</source>
        <translation>À &amp;propos de PhaseLab</translation>
    </message>
    <message>
        <source>Still loading; wait or cancel first</source>
        <translation>Chargement en cours ; attendez ou annulez d’abord</translation>
    </message>
    <message>
        <source>intensity</source>
        <translation>intensité</translation>
    </message>
    <message>
        <source>%1 — PhaseLab</source>
        <translation>%1 — PhaseLab</translation>
    </message>
    <message>
        <source>%1: %2 × %3 pixels, values %4 … %5</source>
        <translation>%1 : %2 × %3 pixels, valeurs %4 … %5</translation>
    </message>
    <message>
        <source>x = %1, y = %2   pixel (%3, %4)   value %5</source>
        <translation>x = %1, y = %2   pixel (%3, %4)   valeur %5</translation>
    </message>
    <message>
        <source>Open hologram</source>
        <translation>Ouvrir un hologramme</translation>
    </message>
    <message>
        <source>About PhaseLab</source>
        <translation>À propos de PhaseLab</translation>
    </message>
    <message>
        <source>&lt;h3&gt;PhaseLab %1&lt;/h3&gt;&lt;p&gt;X-ray near-field (in-line holography) phase retrieval: Fresnel forward model, classical and learned reconstruction, resolution metrics.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;PhaseLab %1&lt;/h3&gt;&lt;p&gt;Reconstruction de phase en champ proche des rayons X (holographie en ligne) : modèle direct de Fresnel, reconstructions classiques et par apprentissage, mesures de résolution.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>phase φ [rad]</source>
        <translation>phase φ [rad]</translation>
    </message>
    <message>
        <source>absorption B</source>
        <translation>absorption B</translation>
    </message>
    <message>
        <source>I − F(f)</source>
        <translation>I − F(f)</translation>
    </message>
    <message>
        <source>reference</source>
        <translation>référence</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>Paramètres</translation>
    </message>
    <message>
        <source>Display</source>
        <translation>Affichage</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Journal</translation>
    </message>
    <message>
        <source>Open &amp;recent</source>
        <translation>Fichiers &amp;récents</translation>
    </message>
    <message>
        <source>Images as &amp;tabs</source>
        <translation>Images en &amp;onglets</translation>
    </message>
    <message>
        <source>Images &amp;side by side</source>
        <translation>Images &amp;côte à côte</translation>
    </message>
    <message>
        <source>true phase φ [rad]</source>
        <translation>phase vraie φ [rad]</translation>
    </message>
    <message>
        <source>Resolution</source>
        <translation>Résolution</translation>
    </message>
    <message>
        <source>Edge: %1</source>
        <translation>Bord : %1</translation>
    </message>
    <message>
        <source>FRC: %1</source>
        <translation>FRC : %1</translation>
    </message>
    <message>
        <source>Export &amp;plot…</source>
        <translation>Exporter le &amp;graphique…</translation>
    </message>
    <message>
        <source>Export plot</source>
        <translation>Exporter le graphique</translation>
    </message>
    <message>
        <source>PNG image (*.png);;PDF document (*.pdf);;CSV table (*.csv)</source>
        <translation>Image PNG (*.png);;Document PDF (*.pdf);;Tableau CSV (*.csv)</translation>
    </message>
    <message>
        <source>Exported %1</source>
        <translation>%1 exporté</translation>
    </message>
    <message>
        <source>Cannot export</source>
        <translation>Export impossible</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Méthode</translation>
    </message>
    <message>
        <source>Running %1…</source>
        <translation>Exécution de %1…</translation>
    </message>
    <message>
        <source>Reconstruction failed</source>
        <translation>Échec de la reconstruction</translation>
    </message>
    <message>
        <source>Reconstruction cancelled; the previous result is kept</source>
        <translation>Reconstruction annulée ; le résultat précédent est conservé</translation>
    </message>
    <message>
        <source>Reconstruction cancelled</source>
        <translation>Reconstruction annulée</translation>
    </message>
    <message>
        <source>&amp;Export phase and absorption…</source>
        <translation>&amp;Exporter la phase et l’absorption…</translation>
    </message>
    <message>
        <source>Export current &amp;view as PNG…</source>
        <translation>Exporter la &amp;vue actuelle en PNG…</translation>
    </message>
    <message>
        <source>&amp;Save session…</source>
        <translation>Enregistrer la &amp;session…</translation>
    </message>
    <message>
        <source>&amp;Load session…</source>
        <translation>&amp;Charger une session…</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Langue</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>Langue du système</translation>
    </message>
    <message>
        <source>The language changes when PhaseLab starts again</source>
        <translation>La langue changera au prochain démarrage de PhaseLab</translation>
    </message>
    <message>
        <source>&amp;Methods and references</source>
        <translation>&amp;Méthodes et références</translation>
    </message>
    <message>
        <source>Flat-field correction: %1</source>
        <translation>Correction de champ plat : %1</translation>
    </message>
    <message>
        <source>%1 finished in %2 s</source>
        <translation>%1 : terminé en %2 s</translation>
    </message>
    <message>
        <source>, %1 iterations</source>
        <translation>, %1 itérations</translation>
    </message>
    <message>
        <source>, residual %1</source>
        <translation>, résidu %1</translation>
    </message>
    <message>
        <source>; phase NMSE against the demo&apos;s truth %1 %</source>
        <translation> ; NMSE de la phase par rapport à la vérité terrain de la démonstration : %1 %</translation>
    </message>
    <message>
        <source>There is no image to export</source>
        <translation>Il n’y a aucune image à exporter</translation>
    </message>
    <message>
        <source>There is nothing to save yet</source>
        <translation>Il n’y a encore rien à enregistrer</translation>
    </message>
    <message>
        <source>Session %1</source>
        <translation>Session %1</translation>
    </message>
    <message>
        <source>Export phase and absorption (prefix)</source>
        <translation>Exporter la phase et l’absorption (préfixe)</translation>
    </message>
    <message>
        <source>Prefix of the TIFF files (*)</source>
        <translation>Préfixe des fichiers TIFF (*)</translation>
    </message>
    <message>
        <source>Export view</source>
        <translation>Exporter la vue</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>Image PNG (*.png)</translation>
    </message>
    <message>
        <source>Save session</source>
        <translation>Enregistrer la session</translation>
    </message>
    <message>
        <source>PhaseLab session (*.json)</source>
        <translation>Session PhaseLab (*.json)</translation>
    </message>
    <message>
        <source>Saved session %1</source>
        <translation>Session %1 enregistrée</translation>
    </message>
    <message>
        <source>Load session</source>
        <translation>Charger une session</translation>
    </message>
    <message>
        <source>Images (*.tif *.tiff *.h5 *.hdf5 *.nxs *.hdf *.edf *.png *.jpg *.jpeg *.bmp);;All files (*)</source>
        <translation>Images (*.tif *.tiff *.h5 *.hdf5 *.nxs *.hdf *.edf *.png *.jpg *.jpeg *.bmp);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>PhaseLab help</source>
        <translation>Aide de PhaseLab</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Working with PhaseLab&lt;/h3&gt;&lt;ol&gt;&lt;li&gt;Open a hologram (File ▸ Open, drag and drop, or the demo).&lt;/li&gt;&lt;li&gt;Set energy, distance and pixel size; pick the material or type δ/β.&lt;/li&gt;&lt;li&gt;Choose a method and press Run (Ctrl+R); Escape cancels.&lt;/li&gt;&lt;li&gt;Draw a line across an edge for its FWHM, or compare two images by FRC.&lt;/li&gt;&lt;li&gt;Export phase and absorption as calibrated 32-bit TIFF (Ctrl+E).&lt;/li&gt;&lt;/ol&gt;&lt;h3&gt;Methods&lt;/h3&gt;&lt;ul&gt;%1&lt;/ul&gt;&lt;h3&gt;Conventions and references&lt;/h3&gt;&lt;p&gt;Object (B, φ) with T = exp(−B − iφ), Fresnel propagator exp(−iπλD|ξ|²); metrics NMSE, FRC with the 2σ criterion, FRCM, erf edge fit (FWHM = 2.3548 σ).&lt;/p&gt;&lt;p&gt;Deep Gauss–Newton: K. Mom, M. Langer, B. Sixou, Optics Letters 48(5), 1136 (2023). PhaseGAN: Y. Zhang et al., Optics Express 29(13), 19593 (2021). MS-D Net: D. Pelt, J. Sethian, PNAS 115(2), 254 (2018). IRGN: S. Maretzke et al., Optics Express 24(6), 6490 (2016). Paganin: D. Paganin et al., J. Microscopy 206, 33 (2002).&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Utiliser PhaseLab&lt;/h3&gt;&lt;ol&gt;&lt;li&gt;Ouvrez un hologramme (Fichier ▸ Ouvrir, glisser-déposer, ou l’hologramme de démonstration).&lt;/li&gt;&lt;li&gt;Réglez l’énergie, la distance et la taille de pixel ; choisissez le matériau ou saisissez δ/β.&lt;/li&gt;&lt;li&gt;Choisissez une méthode et appuyez sur Lancer (Ctrl+R) ; Échap annule.&lt;/li&gt;&lt;li&gt;Tracez une ligne à travers un bord pour obtenir sa LMH, ou comparez deux images par FRC.&lt;/li&gt;&lt;li&gt;Exportez la phase et l’absorption en TIFF 32 bits calibrés (Ctrl+E).&lt;/li&gt;&lt;/ol&gt;&lt;h3&gt;Méthodes&lt;/h3&gt;&lt;ul&gt;%1&lt;/ul&gt;&lt;h3&gt;Conventions et références&lt;/h3&gt;&lt;p&gt;Objet (B, φ) avec T = exp(−B − iφ), propagateur de Fresnel exp(−iπλD|ξ|²) ; mesures NMSE, FRC avec le critère 2σ, FRCM, ajustement erf des bords (LMH = 2,3548 σ).&lt;/p&gt;&lt;p&gt;Deep Gauss–Newton : K. Mom, M. Langer, B. Sixou, Optics Letters 48(5), 1136 (2023). PhaseGAN : Y. Zhang et al., Optics Express 29(13), 19593 (2021). MS-D Net : D. Pelt, J. Sethian, PNAS 115(2), 254 (2018). IRGN : S. Maretzke et al., Optics Express 24(6), 6490 (2016). Paganin : D. Paganin et al., J. Microscopy 206, 33 (2002).&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;li&gt;none registered&lt;/li&gt;</source>
        <translation>&lt;li&gt;aucune méthode enregistrée&lt;/li&gt;</translation>
    </message>
    <message>
        <source>Reference: %1 (%2 × %3)</source>
        <translation>Référence : %1 (%2 × %3)</translation>
    </message>
    <message>
        <source>Cannot open the reference</source>
        <translation>Impossible d’ouvrir la référence</translation>
    </message>
    <message>
        <source>Open re&amp;ference image…</source>
        <translation>Ouvrir une image de ré&amp;férence…</translation>
    </message>
    <message>
        <source>Open a reference image</source>
        <translation>Ouvrir une image de référence</translation>
    </message>
    <message>
        <source>Images (*.tif *.tiff *.h5 *.hdf5 *.nxs *.edf *.png *.jpg *.bmp);;All files (*)</source>
        <translation>Images (*.tif *.tiff *.h5 *.hdf5 *.nxs *.edf *.png *.jpg *.bmp);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>&amp;Keep the phase as reference</source>
        <translation>Garder la p&amp;hase comme référence</translation>
    </message>
    <message>
        <source>There is no reconstructed phase yet</source>
        <translation>Il n’y a encore aucune phase reconstruite</translation>
    </message>
    <message>
        <source>phase φ [rad] of %1</source>
        <translation>phase φ [rad] de %1</translation>
    </message>
    <message>
        <source>Reference: the phase of %1</source>
        <translation>Référence : la phase de %1</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Normalised the hologram by its mean</source>
        <translation>Hologramme normalisé par sa moyenne</translation>
    </message>
    <message>
        <source>Loading cancelled</source>
        <translation>Chargement annulé</translation>
    </message>
    <message>
        <source>Stop loading; the current hologram stays</source>
        <translation>Arrêter le chargement ; l’hologramme actuel reste</translation>
    </message>
    <message>
        <source>Cannot normalise</source>
        <translation>Normalisation impossible</translation>
    </message>
    <message>
        <source>Warning: %1</source>
        <translation>Avertissement : %1</translation>
    </message>
    <message>
        <source>Exported %1 and %2</source>
        <translation>%1 et %2 exportés</translation>
    </message>
    <message>
        <source>Cannot save the session</source>
        <translation>Impossible d’enregistrer la session</translation>
    </message>
    <message>
        <source>Cannot load the session</source>
        <translation>Impossible de charger la session</translation>
    </message>
    <message>
        <source>&amp;Lab</source>
        <translation>&amp;Labo</translation>
    </message>
    <message>
        <source>&amp;Data sets…</source>
        <translation>&amp;Jeux de données…</translation>
    </message>
    <message>
        <source>&amp;Training…</source>
        <translation>&amp;Entraînement…</translation>
    </message>
    <message>
        <source>&amp;Model library…</source>
        <translation>&amp;Bibliothèque de modèles…</translation>
    </message>
    <message>
        <source>&amp;Compare methods…</source>
        <translation>&amp;Comparer les méthodes…</translation>
    </message>
    <message>
        <source>Several &amp;distances…</source>
        <translation>Plusieurs &amp;distances…</translation>
    </message>
    <message>
        <source>Reconstruct one object from holograms at several distances, registered onto the first</source>
        <translation>Reconstruire un objet à partir d’hologrammes à plusieurs distances, recalés sur le premier</translation>
    </message>
    <message>
        <source>Reconstruct the whole &amp;stack…</source>
        <translation>Reconstruire toute la &amp;pile…</translation>
    </message>
    <message>
        <source>Every frame of the hologram&apos;s stack (multi-page TIFF, 3D HDF5, NXtomo) with the current method and parameters, to an HDF5 file or a multi-page TIFF pair</source>
        <translation>Chaque image de la pile de l’hologramme (TIFF multipage, HDF5 3D, NXtomo) avec la méthode et les paramètres actuels, vers un fichier HDF5 ou une paire de TIFF multipages</translation>
    </message>
</context>
<context>
    <name>phaselab::widgets::MethodForm</name>
    <message>
        <source>Width of the erfc transition, relative to the first maximum</source>
        <translation>Largeur de la transition erfc, relative au premier maximum</translation>
    </message>
    <message>
        <source>α low:</source>
        <translation>α bas :</translation>
    </message>
    <message>
        <source>α high:</source>
        <translation>α haut :</translation>
    </message>
    <message>
        <source>Transition:</source>
        <translation>Transition :</translation>
    </message>
    <message>
        <source>α low</source>
        <translation>α bas</translation>
    </message>
    <message>
        <source>α high</source>
        <translation>α haut</translation>
    </message>
    <message>
        <source>the transition width</source>
        <translation>la largeur de transition</translation>
    </message>
    <message>
        <source>CTF</source>
        <translation>CTF</translation>
    </message>
    <message>
        <source>Paganin</source>
        <translation>Paganin</translation>
    </message>
    <message>
        <source>IRGN</source>
        <translation>IRGN</translation>
    </message>
    <message>
        <source>Deep Gauss–Newton</source>
        <translation>Deep Gauss–Newton</translation>
    </message>
    <message>
        <source>MS-D Net</source>
        <translation>MS-D Net</translation>
    </message>
    <message>
        <source>Contrast-transfer-function inversion, single distance, for weak or homogeneous objects; two-level regularisation around the first CTF maximum. Instant: follows your edits.</source>
        <translation>Inversion de la fonction de transfert de contraste, à une seule distance, pour objets faibles ou homogènes ; régularisation à deux niveaux autour du premier maximum de la CTF. Instantané : suit vos modifications.</translation>
    </message>
    <message>
        <source>TIE-homogeneous phase retrieval (Paganin et al. 2002) with the sample&apos;s δ/β; robust, low-pass. Instant: follows your edits.</source>
        <translation>Reconstruction de phase TIE pour objet homogène (Paganin et al. 2002) avec le δ/β de l’échantillon ; robuste, passe-bas. Instantané : suit vos modifications.</translation>
    </message>
    <message>
        <source>Iteratively regularised Gauss–Newton (Maretzke et al. 2016): Newton steps solved by conjugate gradients, α_k = α_0 q^k; joint (B, φ) or homogeneous. Shows previews and the residual as it goes.</source>
        <translation>Gauss–Newton itérativement régularisé (Maretzke et al. 2016) : itérations de Newton résolues par gradients conjugués, α_k = α_0 q^k ; (B, φ) conjoints ou objet homogène. Affiche des aperçus et le résidu au fil des itérations.</translation>
    </message>
    <message>
        <source>Deep Gauss–Newton (Mom, Langer, Sixou 2023): a learned, unrolled Gauss–Newton iteration with the Fresnel operator inside. Needs a model trained with phaselab-cli train --method dgn.</source>
        <translation>Deep Gauss–Newton (Mom, Langer, Sixou 2023) : itération de Gauss–Newton apprise et déroulée, intégrant l’opérateur de Fresnel. Nécessite un modèle entraîné avec phaselab-cli train --method dgn.</translation>
    </message>
    <message>
        <source>Mixed-Scale Dense network (Pelt &amp; Sethian 2018): a purely learned hologram-to-object map. Needs a model trained with phaselab-cli train --method msd at the same physics as the data.</source>
        <translation>Réseau dense multi-échelle (Mixed-Scale Dense, Pelt &amp; Sethian 2018) : correspondance hologramme–objet entièrement apprise. Nécessite un modèle entraîné avec phaselab-cli train --method msd dans les mêmes conditions physiques que les données.</translation>
    </message>
    <message>
        <source>Field of view (fov)</source>
        <translation>Champ de vue (fov)</translation>
    </message>
    <message>
        <source>Generalised cross-validation</source>
        <translation>Validation croisée généralisée</translation>
    </message>
    <message>
        <source>L-curve corner</source>
        <translation>Coin de la courbe en L</translation>
    </message>
    <message>
        <source>Discrepancy (estimated noise)</source>
        <translation>Principe d’écart (bruit estimé)</translation>
    </message>
    <message>
        <source>Quasi-optimality</source>
        <translation>Quasi-optimalité</translation>
    </message>
    <message>
        <source>Manual (α low, α high)</source>
        <translation>Manuel (α bas, α haut)</translation>
    </message>
    <message>
        <source>How α is chosen for each hologram; with a rule other than manual, α low caps (fov) or only sets the ratio α high/α low</source>
        <translation>Comment α est choisi pour chaque hologramme ; avec une règle autre que manuelle, α bas plafonne (fov) ou ne fixe que le rapport α haut/α bas</translation>
    </message>
    <message>
        <source>α rule:</source>
        <translation>Règle pour α :</translation>
    </message>
</context>
<context>
    <name>phaselab::widgets::MethodPanel</name>
    <message>
        <source>Update automatically while editing</source>
        <translation>Mettre à jour automatiquement pendant la saisie</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Lancer</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>Run the method (Ctrl+R)</source>
        <translation>Lancer la méthode (Ctrl+R)</translation>
    </message>
    <message>
        <source>iteration</source>
        <translation>itération</translation>
    </message>
    <message>
        <source>residual ‖I − F(f)‖</source>
        <translation>résidu ‖I − F(f)‖</translation>
    </message>
    <message>
        <source>No method available</source>
        <translation>Aucune méthode disponible</translation>
    </message>
    <message>
        <source>Open a hologram first</source>
        <translation>Ouvrez d’abord un hologramme</translation>
    </message>
    <message>
        <source>Continue for</source>
        <translation>Prolonger de</translation>
    </message>
    <message>
        <source>Take more steps from where the last run stopped; the residual curve continues</source>
        <translation>Faire d’autres itérations à partir de l’arrêt de la dernière exécution ; la courbe du résidu se prolonge</translation>
    </message>
    <message>
        <source> more steps</source>
        <translation> itérations</translation>
    </message>
</context>
<context>
    <name>phaselab::widgets::ModelLibrary</name>
    <message>
        <source>unknown</source>
        <translation>inconnue</translation>
    </message>
    <message>
        <source>Load</source>
        <translation>Charger</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>Renommer…</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Supprimer</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exporter…</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>Importer…</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Actualiser</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modèle</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Méthode</translation>
    </message>
    <message>
        <source>Trained at</source>
        <translation>Entraîné à</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>Paramètres</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>Époques</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <source> (shipped)</source>
        <translation> (fourni)</translation>
    </message>
    <message>
        <source>unreadable</source>
        <translation>illisible</translation>
    </message>
    <message>
        <source>Trained on a data set without physics</source>
        <translation>Entraîné sur un jeu de données sans physique</translation>
    </message>
    <message>
        <source>energy</source>
        <translation>énergie</translation>
    </message>
    <message>
        <source>distance</source>
        <translation>distance</translation>
    </message>
    <message>
        <source>pixel size</source>
        <translation>taille de pixel</translation>
    </message>
    <message>
        <source>trained at another %1</source>
        <translation>entraîné à une autre %1</translation>
    </message>
    <message numerus="yes">
        <source>%n model(s) in %1</source>
        <translation>
            <numerusform>%n modèle dans %1</numerusform>
            <numerusform>%n modèles dans %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Physics differs from the window&apos;s: %1</source>
        <translation>La physique diffère de celle de la fenêtre : %1</translation>
    </message>
    <message>
        <source>Select a model first</source>
        <translation>Sélectionnez d&apos;abord un modèle</translation>
    </message>
    <message>
        <source>Shipped models cannot be changed; export a copy instead</source>
        <translation>Les modèles fournis ne peuvent pas être modifiés ; exportez-en une copie</translation>
    </message>
    <message>
        <source>Delete model</source>
        <translation>Supprimer le modèle</translation>
    </message>
    <message>
        <source>Delete %1? This cannot be undone.</source>
        <translation>Supprimer %1 ? Cette action est irréversible.</translation>
    </message>
    <message>
        <source>Rename model</source>
        <translation>Renommer le modèle</translation>
    </message>
    <message>
        <source>New file name</source>
        <translation>Nouveau nom de fichier</translation>
    </message>
    <message>
        <source>Export model</source>
        <translation>Exporter le modèle</translation>
    </message>
    <message>
        <source>PhaseLab models (*.pt)</source>
        <translation>Modèles PhaseLab (*.pt)</translation>
    </message>
    <message>
        <source>Import model</source>
        <translation>Importer un modèle</translation>
    </message>
    <message>
        <source>PhaseLab models (*.pt);;All files (*)</source>
        <translation>Modèles PhaseLab (*.pt);;Tous les fichiers (*)</translation>
    </message>
</context>
<context>
    <name>phaselab::widgets::MsdTrainForm</name>
    <message>
        <source>Depth</source>
        <translation>Profondeur</translation>
    </message>
    <message>
        <source>Width</source>
        <translation>Largeur</translation>
    </message>
    <message>
        <source>Largest dilation</source>
        <translation>Plus grande dilatation</translation>
    </message>
    <message>
        <source>Layers, each adding its width in feature maps</source>
        <translation>Couches, chacune ajoutant sa largeur en cartes de caractéristiques</translation>
    </message>
    <message>
        <source>Feature maps per layer</source>
        <translation>Cartes de caractéristiques par couche</translation>
    </message>
    <message>
        <source>Layer i uses dilation (i mod this) + 1</source>
        <translation>La couche i utilise la dilatation (i mod cette valeur) + 1</translation>
    </message>
</context>
<context>
    <name>phaselab::widgets::MultiDistanceDialog</name>
    <message>
        <source>&amp;Add holograms…</source>
        <translation>&amp;Ajouter des hologrammes…</translation>
    </message>
    <message>
        <source>Re&amp;move</source>
        <translation>&amp;Retirer</translation>
    </message>
    <message>
        <source>Search the magnification (±5 %)</source>
        <translation>Chercher le grandissement (±5 %)</translation>
    </message>
    <message>
        <source>Re&amp;gister</source>
        <translation>Re&amp;caler</translation>
    </message>
    <message>
        <source>&amp;Reconstruct</source>
        <translation>Reco&amp;nstruire</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>A&amp;nnuler</translation>
    </message>
    <message>
        <source>&amp;Export TIFF…</source>
        <translation>&amp;Exporter en TIFF…</translation>
    </message>
    <message>
        <source>Several distances</source>
        <translation>Plusieurs distances</translation>
    </message>
    <message>
        <source>Hologram</source>
        <translation>Hologramme</translation>
    </message>
    <message>
        <source>Distance</source>
        <translation>Distance</translation>
    </message>
    <message>
        <source>Shift x [px]</source>
        <translation>Décalage x [px]</translation>
    </message>
    <message>
        <source>Shift y [px]</source>
        <translation>Décalage y [px]</translation>
    </message>
    <message>
        <source>Magnification</source>
        <translation>Grandissement</translation>
    </message>
    <message>
        <source>One hologram per distance, normalised (flat-field corrected); the first row is the reference the others are registered onto</source>
        <translation>Un hologramme par distance, normalisé (corrigé du champ plat) ; la première ligne est la référence sur laquelle les autres sont recalés</translation>
    </message>
    <message>
        <source>CTF (several distances)</source>
        <translation>CTF (plusieurs distances)</translation>
    </message>
    <message>
        <source>IRGN (several distances)</source>
        <translation>IRGN (plusieurs distances)</translation>
    </message>
    <message>
        <source>IRGN: most Newton steps</source>
        <translation>IRGN : nombre maximal d’itérations de Newton</translation>
    </message>
    <message>
        <source>Register: search the magnification within ±5 % of the pixel-size ratio (cone beam); otherwise shifts only</source>
        <translation>Recalage : chercher le grandissement à ±5 % du rapport des tailles de pixel (faisceau conique) ; sinon décalages seuls</translation>
    </message>
    <message>
        <source>Reference (red) and the selected hologram after registration (cyan): grey where they agree</source>
        <translation>Référence (rouge) et hologramme sélectionné après recalage (cyan) : gris là où ils concordent</translation>
    </message>
    <message>
        <source>Register to see the overlay</source>
        <translation>Recalez pour voir la superposition</translation>
    </message>
    <message>
        <source>Method:</source>
        <translation>Méthode :</translation>
    </message>
    <message>
        <source>Newton steps:</source>
        <translation>Itérations de Newton :</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Échec : %1</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Annulé.</translation>
    </message>
    <message>
        <source>Add at least two holograms (one per distance)</source>
        <translation>Ajoutez au moins deux hologrammes (un par distance)</translation>
    </message>
    <message>
        <source>Row %1: %2</source>
        <translation>Ligne %1 : %2</translation>
    </message>
    <message>
        <source>no distance</source>
        <translation>pas de distance</translation>
    </message>
    <message>
        <source>Registering…</source>
        <translation>Recalage…</translation>
    </message>
    <message>
        <source>Registered %1 holograms onto the first.</source>
        <translation>%1 hologrammes recalés sur le premier.</translation>
    </message>
    <message>
        <source>Phase-correlation peak %1 (1 = perfect match)</source>
        <translation>Pic de corrélation de phase %1 (1 = concordance parfaite)</translation>
    </message>
    <message>
        <source>Row 1 (red) and row %1 registered (cyan)</source>
        <translation>Ligne 1 (rouge) et ligne %1 recalée (cyan)</translation>
    </message>
    <message>
        <source>Reconstructing…</source>
        <translation>Reconstruction…</translation>
    </message>
    <message>
        <source>%1 from %2 distances: residual %3, in %4 s; shown in the main window.</source>
        <translation>%1 à partir de %2 distances : résidu %3, en %4 s ; affiché dans la fenêtre principale.</translation>
    </message>
    <message>
        <source>(not registered: the holograms must already line up)</source>
        <translation>(non recalés : les hologrammes doivent déjà être alignés)</translation>
    </message>
    <message>
        <source>Add holograms</source>
        <translation>Ajouter des hologrammes</translation>
    </message>
    <message>
        <source>Images (*.tif *.tiff *.h5 *.hdf5 *.edf *.png);;All files (*)</source>
        <translation>Images (*.tif *.tiff *.h5 *.hdf5 *.edf *.png);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Export phase and absorption (prefix)</source>
        <translation>Exporter la phase et l’absorption (préfixe)</translation>
    </message>
    <message>
        <source>Prefix of the TIFF files (*)</source>
        <translation>Préfixe des fichiers TIFF (*)</translation>
    </message>
    <message>
        <source>Exported %1 and %2</source>
        <translation>%1 et %2 exportés</translation>
    </message>
    <message>
        <source>Cannot export: %1</source>
        <translation>Export impossible : %1</translation>
    </message>
    <message>
        <source>Set in the main window&apos;s Parameters panel; each row&apos;s distance replaces the distance there</source>
        <translation>Réglée dans le panneau Paramètres de la fenêtre principale ; la distance de chaque ligne remplace celle qui y figure</translation>
    </message>
    <message>
        <source>Physics:</source>
        <translation>Physique :</translation>
    </message>
    <message>
        <source>%1 keV, pixel %2, %3</source>
        <translation>%1 keV, pixel %2, %3</translation>
    </message>
    <message>
        <source>δ/β %1</source>
        <translation>δ/β %1</translation>
    </message>
    <message>
        <source>pure phase object</source>
        <translation>objet de phase pure</translation>
    </message>
</context>
<context>
    <name>phaselab::widgets::NumberEdit</name>
    <message>
        <source>must be a positive number</source>
        <translation>doit être un nombre positif</translation>
    </message>
    <message>
        <source>must be a number ≥ 0</source>
        <translation>doit être un nombre ≥ 0</translation>
    </message>
    <message>
        <source>must be a number</source>
        <translation>doit être un nombre</translation>
    </message>
</context>
<context>
    <name>phaselab::widgets::OpenDialog</name>
    <message>
        <source>Images (*.tif *.tiff *.h5 *.hdf5 *.nxs *.hdf *.edf *.png *.jpg *.jpeg *.bmp);;All files (*)</source>
        <translation>Images (*.tif *.tiff *.h5 *.hdf5 *.nxs *.hdf *.edf *.png *.jpg *.jpeg *.bmp);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Parcourir…</translation>
    </message>
    <message>
        <source>Choose a file</source>
        <translation>Choisir un fichier</translation>
    </message>
    <message>
        <source>Use the NXtomo file&apos;s own flats and darks</source>
        <translation>Utiliser les champs plats et les noirs propres au fichier NXtomo</translation>
    </message>
    <message>
        <source>Open hologram</source>
        <translation>Ouvrir un hologramme</translation>
    </message>
    <message>
        <source>Mean</source>
        <translation>Moyenne</translation>
    </message>
    <message>
        <source>Median</source>
        <translation>Médiane</translation>
    </message>
    <message>
        <source>none</source>
        <translation>aucun</translation>
    </message>
    <message>
        <source>Hologram</source>
        <translation>Hologramme</translation>
    </message>
    <message>
        <source>File:</source>
        <translation>Fichier :</translation>
    </message>
    <message>
        <source>Dataset:</source>
        <translation>Jeu de données :</translation>
    </message>
    <message>
        <source>Frame:</source>
        <translation>Image :</translation>
    </message>
    <message>
        <source>Flat-field correction  I = (raw − dark) / (flat − dark)</source>
        <translation>Correction de champ plat  I = (brute − noir) / (plat − noir)</translation>
    </message>
    <message>
        <source>Flat(s) before:</source>
        <translation>Champ(s) plat(s) avant :</translation>
    </message>
    <message>
        <source>Flat(s) after:</source>
        <translation>Champ(s) plat(s) après :</translation>
    </message>
    <message>
        <source>Dark(s):</source>
        <translation>Noir(s) :</translation>
    </message>
    <message>
        <source>Averaging:</source>
        <translation>Moyennage :</translation>
    </message>
    <message>
        <source>%1: %2 × %3 pixels, %4, %5%6</source>
        <translation>%1 : %2 × %3 pixels, %4, %5%6</translation>
    </message>
    <message>
        <source>1 frame</source>
        <translation>1 image</translation>
    </message>
    <message>
        <source>%1 frames</source>
        <translation>%1 images</translation>
    </message>
    <message>
        <source>; NXtomo scan</source>
        <translation> ; acquisition NXtomo</translation>
    </message>
    <message>
        <source>of %1</source>
        <translation>sur %1</translation>
    </message>
</context>
<context>
    <name>phaselab::widgets::PaganinForm</name>
    <message>
        <source>δ/β comes from the Sample settings (choose a material or type δ/β).</source>
        <translation>δ/β vient des paramètres « Échantillon » (choisissez un matériau ou saisissez δ/β).</translation>
    </message>
</context>
<context>
    <name>phaselab::widgets::ParameterPanel</name>
    <message>
        <source>Distance</source>
        <translation>Distance</translation>
    </message>
    <message>
        <source>Pixel size</source>
        <translation>Taille de pixel</translation>
    </message>
    <message>
        <source>Cone-beam geometry</source>
        <translation>Géométrie en faisceau conique</translation>
    </message>
    <message>
        <source>Source–sample distance z01</source>
        <translation>Distance source–échantillon z01</translation>
    </message>
    <message>
        <source>Source–detector distance z02</source>
        <translation>Distance source–détecteur z02</translation>
    </message>
    <message>
        <source>Detector pixel size</source>
        <translation>Taille de pixel du détecteur</translation>
    </message>
    <message>
        <source>Photon energy E</source>
        <translation>Énergie des photons E</translation>
    </message>
    <message>
        <source>Effective propagation distance D (sample to detector)</source>
        <translation>Distance de propagation effective D (échantillon–détecteur)</translation>
    </message>
    <message>
        <source>Effective pixel size Δx at the sample</source>
        <translation>Taille de pixel effective Δx dans le plan de l’échantillon</translation>
    </message>
    <message>
        <source>Geometry</source>
        <translation>Géométrie</translation>
    </message>
    <message>
        <source>Energy:</source>
        <translation>Énergie :</translation>
    </message>
    <message>
        <source>Distance:</source>
        <translation>Distance :</translation>
    </message>
    <message>
        <source>Pixel size:</source>
        <translation>Taille de pixel :</translation>
    </message>
    <message>
        <source>Wavelength λ:</source>
        <translation>Longueur d’onde λ :</translation>
    </message>
    <message>
        <source>Fresnel number F:</source>
        <translation>Nombre de Fresnel F :</translation>
    </message>
    <message>
        <source>Sampling:</source>
        <translation>Échantillonnage :</translation>
    </message>
    <message>
        <source>Convert a cone-beam set-up to the effective parallel-beam distance and pixel size</source>
        <translation>Convertir un montage en faisceau conique en distance et taille de pixel effectives en faisceau parallèle</translation>
    </message>
    <message>
        <source>z01:</source>
        <translation>z01 :</translation>
    </message>
    <message>
        <source>z02:</source>
        <translation>z02 :</translation>
    </message>
    <message>
        <source>Detector pixel:</source>
        <translation>Pixel du détecteur :</translation>
    </message>
    <message>
        <source>Use effective distance and pixel size</source>
        <translation>Utiliser la distance et la taille de pixel effectives</translation>
    </message>
    <message>
        <source>Sample</source>
        <translation>Échantillon</translation>
    </message>
    <message>
        <source>Pure phase object (β = 0)</source>
        <translation>Objet de phase pure (β = 0)</translation>
    </message>
    <message>
        <source>Gold (Au, 19.32 g/cm³)</source>
        <translation>Or (Au, 19,32 g/cm³)</translation>
    </message>
    <message>
        <source>Palladium (Pd, 12.02 g/cm³)</source>
        <translation>Palladium (Pd, 12,02 g/cm³)</translation>
    </message>
    <message>
        <source>Zinc (Zn, 7.14 g/cm³)</source>
        <translation>Zinc (Zn, 7,14 g/cm³)</translation>
    </message>
    <message>
        <source>Compound (formula and density)</source>
        <translation>Composé (formule et densité)</translation>
    </message>
    <message>
        <source>Typed δ/β</source>
        <translation>δ/β saisi</translation>
    </message>
    <message>
        <source>e.g. SiO2</source>
        <translation>p. ex. SiO2</translation>
    </message>
    <message>
        <source> g/cm³</source>
        <translation> g/cm³</translation>
    </message>
    <message>
        <source>δ/β of the homogeneous sample</source>
        <translation>δ/β de l’échantillon homogène</translation>
    </message>
    <message>
        <source>Material:</source>
        <translation>Matériau :</translation>
    </message>
    <message>
        <source>Formula:</source>
        <translation>Formule :</translation>
    </message>
    <message>
        <source>Density:</source>
        <translation>Densité :</translation>
    </message>
    <message>
        <source>δ/β:</source>
        <translation>δ/β :</translation>
    </message>
    <message>
        <source>Boundary</source>
        <translation>Bords</translation>
    </message>
    <message>
        <source>Periodic (no padding)</source>
        <translation>Périodique (sans remplissage)</translation>
    </message>
    <message>
        <source>Replicate edges</source>
        <translation>Répliquer les bords</translation>
    </message>
    <message>
        <source>Unit transmission outside</source>
        <translation>Transmission unité à l’extérieur</translation>
    </message>
    <message>
        <source>Padding:</source>
        <translation>Remplissage :</translation>
    </message>
    <message>
        <source>Pad factor:</source>
        <translation>Facteur de remplissage :</translation>
    </message>
    <message>
        <source>β = 0: phase only</source>
        <translation>β = 0 : phase seule</translation>
    </message>
    <message>
        <source>δ/β must be a positive number</source>
        <translation>δ/β doit être un nombre positif</translation>
    </message>
    <message>
        <source>β/δ = %1</source>
        <translation>β/δ = %1</translation>
    </message>
    <message>
        <source>δ = %1, β = %2, δ/β = %3 at %4 keV</source>
        <translation>δ = %1, β = %2, δ/β = %3 à %4 keV</translation>
    </message>
    <message>
        <source>Material: &apos;%1&apos; is not a chemical formula xraylib knows</source>
        <translation>Matériau : « %1 » n’est pas une formule chimique connue de xraylib</translation>
    </message>
    <message>
        <source>%1 nm</source>
        <translation>%1 nm</translation>
    </message>
    <message>
        <source>N ≥ 1/F = %1 px</source>
        <translation>N ≥ 1/F = %1 px</translation>
    </message>
    <message>
        <source>; this image has %1 px: the propagator kernel is undersampled (padding helps; the periodic result stays exact)</source>
        <translation> ; cette image a %1 px : le noyau du propagateur est sous-échantillonné (le remplissage aide ; le résultat périodique reste exact)</translation>
    </message>
    <message>
        <source>; this image has %1 px: well sampled</source>
        <translation> ; cette image a %1 px : bien échantillonné</translation>
    </message>
    <message>
        <source>M = %1 → D = %2, Δx = %3</source>
        <translation>M = %1 → D = %2, Δx = %3</translation>
    </message>
    <message>
        <source>exp(−iφ) (PhaseLab)</source>
        <translation>exp(−iφ) (PhaseLab)</translation>
    </message>
    <message>
        <source>exp(+iφ) (conjugate)</source>
        <translation>exp(+iφ) (conjuguée)</translation>
    </message>
    <message>
        <source>Phase sign convention of the hologram: files made with T = exp(−B + iφ) by other packages need the conjugate setting (CTF and IRGN)</source>
        <translation>Convention de signe de la phase de l’hologramme : les fichiers produits avec T = exp(−B + iφ) par d’autres logiciels demandent le réglage conjugué (CTF et IRGN)</translation>
    </message>
    <message>
        <source>Phase sign:</source>
        <translation>Signe de la phase :</translation>
    </message>
    <message>
        <source>Autofocus…</source>
        <translation>Mise au point auto…</translation>
    </message>
    <message>
        <source>Find the distance that best explains the hologram (scan of a focus criterion around the current distance)</source>
        <translation>Trouver la distance qui explique le mieux l’hologramme (balayage d’un critère de mise au point autour de la distance actuelle)</translation>
    </message>
    <message>
        <source>Autofocus</source>
        <translation>Mise au point automatique</translation>
    </message>
    <message>
        <source>Open a hologram first.</source>
        <translation>Ouvrez d’abord un hologramme.</translation>
    </message>
</context>
<context>
    <name>phaselab::widgets::PhaseGanTrainForm</name>
    <message>
        <source>Channel multiplier of the generators and discriminators</source>
        <translation>Multiplicateur de canaux des générateurs et des discriminateurs</translation>
    </message>
    <message>
        <source>Weight of the object cycle&apos;s L1 loss</source>
        <translation>Poids de la perte L1 du cycle de l&apos;objet</translation>
    </message>
    <message>
        <source>Weight of the intensity cycle&apos;s L1 loss</source>
        <translation>Poids de la perte L1 du cycle de l&apos;intensité</translation>
    </message>
    <message>
        <source>Weight of both cycles&apos; FRC losses</source>
        <translation>Poids des pertes FRC des deux cycles</translation>
    </message>
    <message>
        <source>Width</source>
        <translation>Largeur</translation>
    </message>
    <message>
        <source>Object cycle weight</source>
        <translation>Poids du cycle de l&apos;objet</translation>
    </message>
    <message>
        <source>Intensity cycle weight</source>
        <translation>Poids du cycle de l&apos;intensité</translation>
    </message>
    <message>
        <source>FRC loss weight</source>
        <translation>Poids de la perte FRC</translation>
    </message>
</context>
<context>
    <name>phaselab::widgets::QuantityEdit</name>
    <message>
        <source>%1: &apos;%2&apos; is not a number with a unit</source>
        <translation>%1 : « %2 » n’est pas un nombre avec une unité</translation>
    </message>
    <message>
        <source>%1 must be positive</source>
        <translation>%1 doit être positif</translation>
    </message>
    <message>
        <source>%1 must be between %2 and %3 %4</source>
        <translation>%1 doit être compris entre %2 et %3 %4</translation>
    </message>
    <message>
        <source>Energy</source>
        <translation>Énergie</translation>
    </message>
</context>
<context>
    <name>phaselab::widgets::ResolutionPanel</name>
    <message>
        <source>Draw a line</source>
        <translation>Tracer une ligne</translation>
    </message>
    <message>
        <source>position along the line [nm]</source>
        <translation>position le long de la ligne [nm]</translation>
    </message>
    <message>
        <source>value</source>
        <translation>valeur</translation>
    </message>
    <message>
        <source>Compute FRC</source>
        <translation>Calculer la FRC</translation>
    </message>
    <message>
        <source>spatial frequency [1/µm]</source>
        <translation>fréquence spatiale [1/µm]</translation>
    </message>
    <message>
        <source>FRC</source>
        <translation>FRC</translation>
    </message>
    <message>
        <source>Draw a region</source>
        <translation>Tracer une région</translation>
    </message>
    <message>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <source>Width of the band across the line over which the profile is averaged</source>
        <translation>Largeur de la bande, perpendiculaire à la ligne, sur laquelle le profil est moyenné</translation>
    </message>
    <message>
        <source>Drag on an image to draw a line across an edge; drag its ends to adjust it</source>
        <translation>Glissez sur une image pour tracer une ligne à travers un bord ; déplacez ses extrémités pour l’ajuster</translation>
    </message>
    <message>
        <source>profile</source>
        <translation>profil</translation>
    </message>
    <message>
        <source>erf fit</source>
        <translation>ajustement erf</translation>
    </message>
    <message>
        <source>Band width:</source>
        <translation>Largeur de bande :</translation>
    </message>
    <message>
        <source>Edge</source>
        <translation>Bord</translation>
    </message>
    <message>
        <source>2σ</source>
        <translation>2σ</translation>
    </message>
    <message>
        <source>½ bit</source>
        <translation>½ bit</translation>
    </message>
    <message>
        <source>1/7</source>
        <translation>1/7</translation>
    </message>
    <message>
        <source>threshold</source>
        <translation>seuil</translation>
    </message>
    <message>
        <source>Image:</source>
        <translation>Image :</translation>
    </message>
    <message>
        <source>Against:</source>
        <translation>Comparée à :</translation>
    </message>
    <message>
        <source>Threshold:</source>
        <translation>Seuil :</translation>
    </message>
    <message>
        <source>Expected value l_t of the homogeneous material</source>
        <translation>Valeur attendue l_t du matériau homogène</translation>
    </message>
    <message>
        <source>Expected value:</source>
        <translation>Valeur attendue :</translation>
    </message>
    <message>
        <source>Region</source>
        <translation>Région</translation>
    </message>
    <message>
        <source>No fit: %1</source>
        <translation>Pas d’ajustement : %1</translation>
    </message>
    <message>
        <source>FWHM = %1 ± %2 (σ = %3), edge at %4 px along the line, %5 samples × %6 lines</source>
        <translation>LMH = %1 ± %2 (σ = %3), bord à %4 px le long de la ligne, %5 échantillons × %6 lignes</translation>
    </message>
    <message>
        <source>Choose two images</source>
        <translation>Choisissez deux images</translation>
    </message>
    <message>
        <source>Computing…</source>
        <translation>Calcul en cours…</translation>
    </message>
    <message>
        <source>, never crossed: Nyquist</source>
        <translation>, jamais franchi : Nyquist</translation>
    </message>
    <message>
        <source>; FRC on the centred %1 × %1 square</source>
        <translation> ; FRC sur le carré centré de %1 × %1</translation>
    </message>
    <message>
        <source>%1 pixels: mean %2, deviation %3; NE %4 %, RSD %5 %</source>
        <translation>%1 pixels : moyenne %2, écart-type %3 ; NE %4 %, RSD %5 %</translation>
    </message>
    <message>
        <source>First crossing</source>
        <translation>Premier franchissement</translation>
    </message>
    <message>
        <source>Sustained crossing (skips low-ring dips)</source>
        <translation>Franchissement durable (ignore les creux des anneaux bas)</translation>
    </message>
    <message>
        <source>Sustained: the crossing must start a run of rings below the threshold, so a dip in the lowest rings does not end the curve</source>
        <translation>Durable : le franchissement doit ouvrir une suite d’anneaux sous le seuil, de sorte qu’un creux dans les anneaux les plus bas ne termine pas la courbe</translation>
    </message>
    <message>
        <source>Crossing:</source>
        <translation>Franchissement :</translation>
    </message>
    <message>
        <source>Remove the means for the NMSE</source>
        <translation>Retirer les moyennes pour la NMSE</translation>
    </message>
    <message>
        <source>A retrieved phase is defined up to a constant</source>
        <translation>Une phase reconstruite n’est définie qu’à une constante près</translation>
    </message>
    <message>
        <source>resolution %1 (%2 criterion)%3; NMSE %4 %%5; FRCM %6 %</source>
        <translation>résolution %1 (critère %2)%3 ; NMSE %4 %%5 ; FRCM %6 %</translation>
    </message>
    <message>
        <source> (means removed)</source>
        <translation> (moyennes retirées)</translation>
    </message>
</context>
<context>
    <name>phaselab::widgets::StackDialog</name>
    <message>
        <source>&amp;Browse…</source>
        <translation>&amp;Parcourir…</translation>
    </message>
    <message>
        <source>Continue the interrupted run</source>
        <translation>Reprendre le calcul interrompu</translation>
    </message>
    <message>
        <source>&amp;Start</source>
        <translation>&amp;Démarrer</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>&amp;Annuler</translation>
    </message>
    <message>
        <source>Reconstruct the whole stack</source>
        <translation>Reconstruire toute la pile</translation>
    </message>
    <message>
        <source>all, A:B (frames A to B−1), A: (A to the end) or A:B:STEP; frames are numbered from 0</source>
        <translation>all, A:B (images A à B−1), A: (de A à la fin) ou A:B:PAS ; les images sont numérotées à partir de 0</translation>
    </message>
    <message>
        <source>An HDF5 file (.h5): datasets phase and absorption [n, H, W], resumable after a cancel; any other name is a prefix for the multi-page TIFF pair PREFIX_phase.tif and PREFIX_absorption.tif</source>
        <translation>Un fichier HDF5 (.h5) : jeux de données phase et absorption [n, H, W], reprenable après une annulation ; tout autre nom est un préfixe pour la paire de TIFF multipages PREFIXE_phase.tif et PREFIXE_absorption.tif</translation>
    </message>
    <message>
        <source>An HDF5 output whose run was cancelled or interrupted leaves OUTPUT.part: continue it, computing only the missing frames</source>
        <translation>Une sortie HDF5 dont le calcul a été annulé ou interrompu laisse SORTIE.part : le reprendre en ne calculant que les images manquantes</translation>
    </message>
    <message>
        <source>Stack:</source>
        <translation>Pile :</translation>
    </message>
    <message>
        <source>Method:</source>
        <translation>Méthode :</translation>
    </message>
    <message>
        <source>&amp;Frames:</source>
        <translation>&amp;Images :</translation>
    </message>
    <message>
        <source>&amp;Output:</source>
        <translation>&amp;Sortie :</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Échec : %1</translation>
    </message>
    <message>
        <source>Cancelled. The frames done so far are kept in %1; Start with “Continue the interrupted run” goes on from there.</source>
        <translation>Annulé. Les images déjà calculées sont conservées dans %1 ; Démarrer avec « Reprendre le calcul interrompu » continue à partir de là.</translation>
    </message>
    <message>
        <source>Cancelled. Nothing was written.</source>
        <translation>Annulé. Rien n’a été écrit.</translation>
    </message>
    <message>
        <source>No stack: open a multi-page TIFF, a 3D HDF5 dataset or an NXtomo scan first (File ▸ Open).</source>
        <translation>Pas de pile : ouvrez d’abord un TIFF multipage, un jeu de données HDF5 3D ou un scan NXtomo (Fichier ▸ Ouvrir).</translation>
    </message>
    <message>
        <source>%1: %2 frames of %3 × %4 pixels%5</source>
        <translation>%1 : %2 images de %3 × %4 pixels%5</translation>
    </message>
    <message>
        <source>, flat/dark-corrected</source>
        <translation>, corrigées du champ plat et du noir</translation>
    </message>
    <message>
        <source>%1 keV, %2, pixel %3</source>
        <translation>%1 keV, %2, pixel %3</translation>
    </message>
    <message>
        <source>%1 with the options of the Method panel; %2</source>
        <translation>%1 avec les options du panneau Méthode ; %2</translation>
    </message>
    <message>
        <source>the model&apos;s physics</source>
        <translation>la physique du modèle</translation>
    </message>
    <message>
        <source>Stack output</source>
        <translation>Sortie de la pile</translation>
    </message>
    <message>
        <source>HDF5 (*.h5 *.hdf5);;Multi-page TIFF prefix (*)</source>
        <translation>HDF5 (*.h5 *.hdf5);;Préfixe de TIFF multipage (*)</translation>
    </message>
    <message>
        <source>Choose an output file</source>
        <translation>Choisissez un fichier de sortie</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Démarrage…</translation>
    </message>
    <message>
        <source>%1 frames (%2 computed, %3 already done) in %4 s, %5 frames/s (%6): %7</source>
        <translation>%1 images (%2 calculées, %3 déjà faites) en %4 s, %5 images/s (%6) : %7</translation>
    </message>
</context>
<context>
    <name>phaselab::widgets::TrainingPanel</name>
    <message>
        <source>Start</source>
        <translation>Démarrer</translation>
    </message>
    <message>
        <source>Stop at end of epoch</source>
        <translation>Arrêter en fin d&apos;époque</translation>
    </message>
    <message>
        <source>Stop now</source>
        <translation>Arrêter maintenant</translation>
    </message>
    <message>
        <source>Resume…</source>
        <translation>Reprendre…</translation>
    </message>
    <message>
        <source>HDF5 data set with train and val splits</source>
        <translation>Jeu de données HDF5 avec les parties train et val</translation>
    </message>
    <message>
        <source>model file to write</source>
        <translation>fichier de modèle à écrire</translation>
    </message>
    <message>
        <source>the method&apos;s (auto)</source>
        <translation>celui de la méthode (auto)</translation>
    </message>
    <message>
        <source>constant</source>
        <translation>constant</translation>
    </message>
    <message>
        <source>cosine</source>
        <translation>cosinus</translation>
    </message>
    <message>
        <source>step</source>
        <translation>par paliers</translation>
    </message>
    <message>
        <source>auto</source>
        <translation>auto</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>GPU (CUDA)</source>
        <translation>GPU (CUDA)</translation>
    </message>
    <message>
        <source>GPU: %1 (%2 device(s))</source>
        <translation>GPU : %1 (%2 périphérique(s))</translation>
    </message>
    <message>
        <source>No GPU: training runs on the CPU (%1 threads)</source>
        <translation>Pas de GPU : l&apos;entraînement tourne sur le CPU (%1 fils)</translation>
    </message>
    <message>
        <source>…</source>
        <translation>…</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Réglages</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Méthode</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>Paramètres</translation>
    </message>
    <message>
        <source>Data set</source>
        <translation>Jeu de données</translation>
    </message>
    <message>
        <source>Model file</source>
        <translation>Fichier de modèle</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>Époques</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>Taille de lot</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>Taux d&apos;apprentissage</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation>Programme</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Périphérique</translation>
    </message>
    <message>
        <source>Finish the current epoch, then save the model of the best epoch</source>
        <translation>Terminer l&apos;époque en cours, puis enregistrer le modèle de la meilleure époque</translation>
    </message>
    <message>
        <source>Stop at the next batch; the checkpoint of the last finished epoch stays, and Resume continues from it</source>
        <translation>Arrêter au prochain lot ; le point de reprise de la dernière époque terminée reste, et Reprendre repart de lui</translation>
    </message>
    <message>
        <source>Validation sample: phase after the last epoch | truth</source>
        <translation>Échantillon de validation : phase après la dernière époque | vérité</translation>
    </message>
    <message>
        <source>Stopped; the checkpoint of the last finished epoch is kept: %1</source>
        <translation>Arrêté ; le point de reprise de la dernière époque terminée est conservé : %1</translation>
    </message>
    <message>
        <source>Training failed: %1</source>
        <translation>Échec de l&apos;entraînement : %1</translation>
    </message>
    <message>
        <source>The learning rate %1</source>
        <translation>Le taux d&apos;apprentissage %1</translation>
    </message>
    <message>
        <source>Choose a data set to train on</source>
        <translation>Choisissez un jeu de données pour entraîner</translation>
    </message>
    <message>
        <source>Choose the model file to write</source>
        <translation>Choisissez le fichier de modèle à écrire</translation>
    </message>
    <message>
        <source>Resuming %1 after epoch %2</source>
        <translation>Reprise de %1 après l&apos;époque %2</translation>
    </message>
    <message>
        <source>Another training is running; two trainings would share the processor cores. Stop it or wait until it ends.</source>
        <translation>Un autre entraînement est en cours ; deux entraînements se partageraient les cœurs du processeur. Arrêtez-le ou attendez qu&apos;il se termine.</translation>
    </message>
    <message>
        <source>Training %1 on %2 → %3 (%4 epochs, batch %5, device %6)</source>
        <translation>Entraînement de %1 sur %2 → %3 (%4 époques, lot %5, périphérique %6)</translation>
    </message>
    <message>
        <source>Stopping at the end of this epoch…</source>
        <translation>Arrêt à la fin de cette époque…</translation>
    </message>
    <message>
        <source>Stopping now…</source>
        <translation>Arrêt immédiat…</translation>
    </message>
    <message>
        <source>%1 samples/s</source>
        <translation>%1 échantillons/s</translation>
    </message>
    <message>
        <source>ETA %1</source>
        <translation>Reste %1</translation>
    </message>
    <message>
        <source>epoch %1: training loss %2, validation loss %3, learning rate %4, %5</source>
        <translation>époque %1 : perte d&apos;entraînement %2, perte de validation %3, taux d&apos;apprentissage %4, %5</translation>
    </message>
    <message>
        <source>Stopped after epoch %1; model of the best epoch written to %2</source>
        <translation>Arrêté après l&apos;époque %1 ; modèle de la meilleure époque écrit dans %2</translation>
    </message>
    <message>
        <source>Finished on %1; model written to %2</source>
        <translation>Terminé sur %1 ; modèle écrit dans %2</translation>
    </message>
    <message>
        <source>Training data set</source>
        <translation>Jeu de données d&apos;entraînement</translation>
    </message>
    <message>
        <source>HDF5 data sets (*.h5 *.hdf5)</source>
        <translation>Jeux de données HDF5 (*.h5 *.hdf5)</translation>
    </message>
    <message>
        <source>PhaseLab models (*.pt)</source>
        <translation>Modèles PhaseLab (*.pt)</translation>
    </message>
    <message>
        <source>Resume from checkpoint</source>
        <translation>Reprendre depuis un point de reprise</translation>
    </message>
    <message>
        <source>Checkpoints (*.ckpt);;All files (*)</source>
        <translation>Points de reprise (*.ckpt);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Initial learning rate of Adam; empty or 0: the method&apos;s (DGN 5e-4, MS-D Net 1e-3, PhaseGAN 2e-4)</source>
        <translation>Taux d&apos;apprentissage initial d&apos;Adam ; vide ou 0 : celui de la méthode (DGN 5e-4, MS-D Net 1e-3, PhaseGAN 2e-4)</translation>
    </message>
    <message>
        <source>GPU %1 present, but this LibTorch build cannot use it: training runs on the CPU (%2 threads)</source>
        <translation>GPU %1 présent, mais cette version de LibTorch ne peut pas l&apos;utiliser : l&apos;entraînement tourne sur le CPU (%2 fils)</translation>
    </message>
</context>
</TS>
