import { http } from '@google-cloud/functions-framework';
import { consoleFunction } from './function';

http('console', consoleFunction());
