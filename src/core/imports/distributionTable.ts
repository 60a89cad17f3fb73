/**
 * Import names whose PyPI distribution is named differently, for the common ML and data stack.
 *
 * deptry has no such table and falls back to "import name == distribution name" when no environment
 * is installed, which is exactly where its users see `scikit-learn` reported unused and `sklearn`
 * undeclared. The installed environment's metadata (`top_level.txt`, `RECORD`) still wins when we
 * have it; this table covers the editor opened on a fresh clone.
 *
 * Keys are dotted module prefixes (the longest one matching an import wins, so `google.cloud.storage`
 * beats `google`). Values list every distribution that provides the module; the first is the one we
 * suggest adding, the others also satisfy the import (`cv2` from any OpenCV build).
 */
export const IMPORT_TO_DISTRIBUTIONS: Readonly<Record<string, readonly string[]>> = {
  // Scientific Python and data frames
  sklearn: ['scikit-learn'],
  skimage: ['scikit-image'],
  cv2: ['opencv-python', 'opencv-python-headless', 'opencv-contrib-python', 'opencv-contrib-python-headless'],
  PIL: ['pillow', 'pillow-simd'],
  yaml: ['pyyaml'],
  bs4: ['beautifulsoup4'],
  dateutil: ['python-dateutil'],
  dotenv: ['python-dotenv'],
  jwt: ['pyjwt'],
  attr: ['attrs'],
  Crypto: ['pycryptodome', 'pycryptodomex'],
  Cryptodome: ['pycryptodomex'],
  magic: ['python-magic'],
  docx: ['python-docx'],
  pptx: ['python-pptx'],
  fitz: ['pymupdf'],
  serial: ['pyserial'],
  usb: ['pyusb'],
  numpy: ['numpy'],
  scipy: ['scipy'],
  pandas: ['pandas'],
  polars: ['polars'],
  pyarrow: ['pyarrow'],
  statsmodels: ['statsmodels'],
  sympy: ['sympy'],
  networkx: ['networkx'],
  numba: ['numba'],
  dask: ['dask'],
  tables: ['tables'],
  h5py: ['h5py'],
  xarray: ['xarray'],
  netCDF4: ['netcdf4'],
  osgeo: ['gdal'],
  shapely: ['shapely'],
  geopandas: ['geopandas'],
  pyproj: ['pyproj'],
  duckdb: ['duckdb'],
  // Plotting
  matplotlib: ['matplotlib'],
  mpl_toolkits: ['matplotlib'],
  seaborn: ['seaborn'],
  plotly: ['plotly'],
  bokeh: ['bokeh'],
  altair: ['altair'],
  graphviz: ['graphviz'],
  pydot: ['pydot'],
  wordcloud: ['wordcloud'],
  // Machine learning and deep learning
  torch: ['torch'],
  torchvision: ['torchvision'],
  torchaudio: ['torchaudio'],
  torchtext: ['torchtext'],
  torchmetrics: ['torchmetrics'],
  lightning: ['lightning'],
  pytorch_lightning: ['pytorch-lightning', 'lightning'],
  tensorflow: ['tensorflow', 'tensorflow-cpu', 'tensorflow-gpu', 'tensorflow-macos', 'tf-nightly'],
  tensorflow_datasets: ['tensorflow-datasets'],
  tensorflow_hub: ['tensorflow-hub'],
  tensorflow_addons: ['tensorflow-addons'],
  tensorflow_probability: ['tensorflow-probability'],
  tf_keras: ['tf-keras'],
  keras: ['keras', 'tensorflow'],
  jax: ['jax'],
  jaxlib: ['jaxlib'],
  flax: ['flax'],
  optax: ['optax'],
  xgboost: ['xgboost'],
  lightgbm: ['lightgbm'],
  catboost: ['catboost'],
  transformers: ['transformers'],
  tokenizers: ['tokenizers'],
  datasets: ['datasets'],
  evaluate: ['evaluate'],
  accelerate: ['accelerate'],
  diffusers: ['diffusers'],
  peft: ['peft'],
  trl: ['trl'],
  huggingface_hub: ['huggingface-hub'],
  safetensors: ['safetensors'],
  sentencepiece: ['sentencepiece'],
  sentence_transformers: ['sentence-transformers'],
  timm: ['timm'],
  einops: ['einops'],
  bitsandbytes: ['bitsandbytes'],
  onnx: ['onnx'],
  onnxruntime: ['onnxruntime', 'onnxruntime-gpu'],
  openvino: ['openvino'],
  tensorrt: ['tensorrt'],
  optuna: ['optuna'],
  hyperopt: ['hyperopt'],
  ray: ['ray'],
  shap: ['shap'],
  lime: ['lime'],
  imblearn: ['imbalanced-learn'],
  category_encoders: ['category-encoders'],
  umap: ['umap-learn'],
  hdbscan: ['hdbscan'],
  faiss: ['faiss-cpu', 'faiss-gpu'],
  gensim: ['gensim'],
  nltk: ['nltk'],
  spacy: ['spacy'],
  sacremoses: ['sacremoses'],
  tiktoken: ['tiktoken'],
  openai: ['openai'],
  anthropic: ['anthropic'],
  langchain: ['langchain'],
  langchain_core: ['langchain-core'],
  langchain_community: ['langchain-community'],
  langchain_openai: ['langchain-openai'],
  llama_index: ['llama-index'],
  lightly: ['lightly'],
  albumentations: ['albumentations'],
  imgaug: ['imgaug'],
  ultralytics: ['ultralytics'],
  detectron2: ['detectron2'],
  mmcv: ['mmcv', 'mmcv-full'],
  librosa: ['librosa'],
  soundfile: ['soundfile'],
  pydub: ['pydub'],
  gym: ['gym'],
  gymnasium: ['gymnasium'],
  stable_baselines3: ['stable-baselines3'],
  prophet: ['prophet'],
  pmdarima: ['pmdarima'],
  sktime: ['sktime'],
  // Experiment tracking, pipelines, serving
  mlflow: ['mlflow', 'mlflow-skinny'],
  wandb: ['wandb'],
  dvc: ['dvc'],
  dvclive: ['dvclive'],
  hydra: ['hydra-core'],
  omegaconf: ['omegaconf'],
  comet_ml: ['comet-ml'],
  neptune: ['neptune'],
  clearml: ['clearml'],
  tensorboard: ['tensorboard'],
  tensorboardX: ['tensorboardx'],
  bentoml: ['bentoml'],
  fastapi: ['fastapi'],
  flask: ['flask'],
  starlette: ['starlette'],
  pydantic: ['pydantic'],
  pydantic_settings: ['pydantic-settings'],
  streamlit: ['streamlit'],
  gradio: ['gradio'],
  pandera: ['pandera'],
  great_expectations: ['great-expectations'],
  // Cloud, storage, databases
  boto3: ['boto3'],
  botocore: ['botocore'],
  s3fs: ['s3fs'],
  gcsfs: ['gcsfs'],
  fsspec: ['fsspec'],
  'google.cloud.storage': ['google-cloud-storage'],
  'google.cloud.bigquery': ['google-cloud-bigquery'],
  'google.cloud.aiplatform': ['google-cloud-aiplatform'],
  'google.cloud.pubsub': ['google-cloud-pubsub'],
  'google.cloud.pubsub_v1': ['google-cloud-pubsub'],
  'google.cloud.secretmanager': ['google-cloud-secret-manager'],
  'google.protobuf': ['protobuf'],
  'google.auth': ['google-auth'],
  'google.generativeai': ['google-generativeai'],
  'google.genai': ['google-genai'],
  googleapiclient: ['google-api-python-client'],
  'azure.storage.blob': ['azure-storage-blob'],
  'azure.identity': ['azure-identity'],
  sqlalchemy: ['sqlalchemy'],
  psycopg2: ['psycopg2', 'psycopg2-binary'],
  psycopg: ['psycopg', 'psycopg-binary'],
  MySQLdb: ['mysqlclient'],
  pymysql: ['pymysql'],
  pymongo: ['pymongo'],
  bson: ['pymongo'],
  redis: ['redis'],
  snowflake: ['snowflake-connector-python'],
  pyspark: ['pyspark'],
  kafka: ['kafka-python'],
  // Utilities
  requests: ['requests'],
  httpx: ['httpx'],
  aiohttp: ['aiohttp'],
  tqdm: ['tqdm'],
  rich: ['rich'],
  click: ['click'],
  typer: ['typer'],
  joblib: ['joblib'],
  cloudpickle: ['cloudpickle'],
  dill: ['dill'],
  toml: ['toml'],
  tomli: ['tomli'],
  tomli_w: ['tomli-w'],
  ujson: ['ujson'],
  orjson: ['orjson'],
  simplejson: ['simplejson'],
  lxml: ['lxml'],
  openpyxl: ['openpyxl'],
  xlrd: ['xlrd'],
  regex: ['regex'],
  jinja2: ['jinja2'],
  markdown: ['markdown'],
  tabulate: ['tabulate'],
  termcolor: ['termcolor'],
  colorama: ['colorama'],
  loguru: ['loguru'],
  psutil: ['psutil'],
  pytz: ['pytz'],
  tzdata: ['tzdata'],
  six: ['six'],
  typing_extensions: ['typing-extensions'],
  pkg_resources: ['setuptools'],
  setuptools: ['setuptools'],
  // distutils left the standard library in 3.12; setuptools provides it since.
  distutils: ['setuptools'],
  Levenshtein: ['levenshtein', 'python-levenshtein'],
  zmq: ['pyzmq'],
  win32api: ['pywin32'],
  win32com: ['pywin32'],
  OpenSSL: ['pyopenssl'],
  nacl: ['pynacl'],
  git: ['gitpython'],
  github: ['pygithub'],
  slugify: ['python-slugify'],
  multipart: ['python-multipart'],
  jose: ['python-jose'],
  socks: ['pysocks'],
  ipywidgets: ['ipywidgets'],
  IPython: ['ipython'],
  pytest: ['pytest'],
  hypothesis: ['hypothesis'],
};

/**
 * Modules the notebook kernel provides by itself: importing them in a notebook needs no declared
 * dependency (ipykernel, a dev tool, brings them). In `.py` files they are ordinary imports.
 */
export const NOTEBOOK_KERNEL_MODULES: ReadonlySet<string> = new Set(['IPython', 'ipykernel']);

/**
 * Platform modules that exist only inside a hosted notebook runtime (Colab, Kaggle, Databricks) and
 * are not installable from PyPI: never ask to declare them.
 */
export const HOSTED_RUNTIME_MODULES: ReadonlySet<string> = new Set(['google.colab', 'kaggle_secrets', 'kaggle_datasets', 'dbruntime', 'pyspark.dbutils']);

/** Distribution name → import names, from the table (used by MLH111 when no environment is installed). */
export function tableImportNamesOf(normalizedDistribution: string): string[] {
  reverse ??= buildReverse();
  return reverse.get(normalizedDistribution) ?? [];
}

let reverse: Map<string, string[]> | undefined;
function buildReverse(): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const [module, dists] of Object.entries(IMPORT_TO_DISTRIBUTIONS)) {
    for (const d of dists) {
      const list = map.get(d) ?? [];
      list.push(module);
      map.set(d, list);
    }
  }
  return map;
}

/** The longest dotted prefix of `module` that the table knows, with its distributions. */
export function tableLookup(module: string): { prefix: string; distributions: readonly string[] } | undefined {
  let prefix = module;
  for (;;) {
    const dists = Object.hasOwn(IMPORT_TO_DISTRIBUTIONS, prefix) ? IMPORT_TO_DISTRIBUTIONS[prefix] : undefined;
    if (dists) return { prefix, distributions: dists };
    const dot = prefix.lastIndexOf('.');
    if (dot < 0) return undefined;
    prefix = prefix.slice(0, dot);
  }
}
